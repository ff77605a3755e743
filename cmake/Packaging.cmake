# The Debian package: `cpack -G DEB` in the build folder writes messengerd_<version>_<arch>.deb.
#
#   /usr/bin/messengerd                        the binary
#   /usr/lib/messengerd/transports/            the transport modules (messengerd-transport-<kind>.so:
#                                              sqlite, redis, amqp, postgres), loaded on first use
#   /usr/lib/messengerd/plugins/               the example plugins (MESSENGERD_PLUGIN_DIR)
#   /usr/include/messengerd, /usr/lib/cmake/   the plugin SDK and its CMake package
#   /etc/messengerd/messenger.yaml             conffile: config/messenger.yaml with the package's
#                                              defaults (database and state in /var/lib/messengerd)
#   /etc/default/messengerd                    conffile: the units' environment (systemd/messengerd.default)
#   /lib/systemd/system/messengerd@.service, messengerd-stop-workers.service
#   /usr/lib/systemd/user/messengerd@.service  the user-service variant
#   /usr/share/doc/messengerd/                 README, deployment.md, examples/supervisor/messengerd.conf
#
# The maintainer scripts (written below) create the `messengerd` system user with its home and
# state folder /var/lib/messengerd, and reload systemd when it runs. See docs/deployment.md.
#
# Files that only the package installs use the component `deb` (EXCLUDE_FROM_ALL): a plain
# `cmake --install` is unchanged. The package takes the default component and `deb`, not
# `config` (Install.cmake's copy of messenger.yaml, which would land in /usr/etc).

set(MESSENGERD_PACKAGE_MAINTAINER "messengerd maintainers <maintainers@messengerd.invalid>"
    CACHE STRING "Maintainer field of the Debian package")

set(_deb_dir ${PROJECT_BINARY_DIR}/packaging/deb)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_deb_plugin_dir "${CMAKE_INSTALL_LIBDIR}/messengerd/plugins")
else()
  set(_deb_plugin_dir "/usr/${CMAKE_INSTALL_LIBDIR}/messengerd/plugins")
endif()
set(_deb_state_dir /var/lib/messengerd)

# Generated files follow their sources.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/config/messenger.yaml
  ${PROJECT_SOURCE_DIR}/systemd/messengerd@.service
  ${PROJECT_SOURCE_DIR}/systemd/messengerd-stop-workers.service
  ${PROJECT_SOURCE_DIR}/systemd/user/messengerd@.service)

# /etc/messengerd/messenger.yaml: the shipped config with the package's defaults for its
# parameters (every one still overridable through the environment, see the file).
file(READ ${PROJECT_SOURCE_DIR}/config/messenger.yaml _deb_config)
foreach(_setting "default_plugin_dir|${_deb_plugin_dir}"
                 "default_database|${_deb_state_dir}/messages.db"
                 "default_state_dir|${_deb_state_dir}")
  string(REPLACE "|" ";" _setting "${_setting}")
  list(GET _setting 0 _key)
  list(GET _setting 1 _value)
  string(REGEX REPLACE "(\n[ ]+${_key}: )'[^'\n]*'" "\\1'${_value}'" _replaced "${_deb_config}")
  if(_replaced STREQUAL _deb_config)
    message(FATAL_ERROR "Packaging.cmake: config/messenger.yaml has no parameter `${_key}: '...'` to set for the package")
  endif()
  set(_deb_config "${_replaced}")
endforeach()
file(WRITE ${_deb_dir}/messenger.yaml
  "# /etc/messengerd/messenger.yaml, installed by the messengerd Debian package (a conffile:\n"
  "# your changes are kept on upgrades). The queue database, the restart signal and the worker\n"
  "# registry live in ${_deb_state_dir}; the plugins are loaded from ${_deb_plugin_dir}.\n"
  "${_deb_config}")

# The units, with the plugin folder of this build's libdir.
foreach(_unit messengerd@.service messengerd-stop-workers.service user/messengerd@.service)
  file(READ ${PROJECT_SOURCE_DIR}/systemd/${_unit} _text)
  string(REPLACE "/usr/lib/messengerd/plugins" "${_deb_plugin_dir}" _text "${_text}")
  file(WRITE ${_deb_dir}/systemd/${_unit} "${_text}")
endforeach()

install(FILES ${_deb_dir}/messenger.yaml DESTINATION /etc/messengerd COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES systemd/messengerd.default DESTINATION /etc/default RENAME messengerd
        COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${_deb_dir}/systemd/messengerd@.service ${_deb_dir}/systemd/messengerd-stop-workers.service
        DESTINATION /lib/systemd/system COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${_deb_dir}/systemd/user/messengerd@.service DESTINATION /usr/lib/systemd/user
        COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES supervisor/messengerd.conf DESTINATION /usr/share/doc/messengerd/examples/supervisor
        COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES README.md docs/deployment.md docs/operations.md docs/cli.md DESTINATION /usr/share/doc/messengerd
        COMPONENT deb EXCLUDE_FROM_ALL)

# Maintainer scripts. dpkg runs them with /bin/sh.
file(WRITE ${_deb_dir}/control/conffiles "/etc/messengerd/messenger.yaml\n/etc/default/messengerd\n")
file(WRITE ${_deb_dir}/control/postinst [=[#!/bin/sh
# messengerd postinst: the system user and its state folder; systemd reload.
set -e
if [ "$1" = configure ]; then
    if ! getent passwd messengerd >/dev/null; then
        adduser --system --group --quiet --home /var/lib/messengerd --shell /usr/sbin/nologin messengerd
    fi
    if [ ! -d /var/lib/messengerd ]; then
        install -d -o messengerd -g messengerd -m 0750 /var/lib/messengerd
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null 2>&1 || true
        # An upgrade: running workers finish their message and start again on the new binary.
        if [ -n "$2" ]; then
            systemctl try-restart 'messengerd@*.service' >/dev/null 2>&1 || true
        fi
    fi
fi
exit 0
]=])
file(WRITE ${_deb_dir}/control/prerm [=[#!/bin/sh
# messengerd prerm: stop the workers before their binary goes away (each finishes its message).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop 'messengerd@*.service' messengerd-stop-workers.service >/dev/null 2>&1 || true
fi
exit 0
]=])
file(WRITE ${_deb_dir}/control/postrm [=[#!/bin/sh
# messengerd postrm. Purge removes the worker registry and the restart signal, and the enabled
# instances' links; a queue database in /var/lib/messengerd is kept (it may hold messages), and
# so is the messengerd user (files may still belong to it).
set -e
case "$1" in
    purge)
        rm -f /etc/systemd/system/*.wants/messengerd@*.service
        rm -rf /var/lib/messengerd/workers
        rm -f /var/lib/messengerd/restart-signal /var/lib/messengerd/restart-signal.tmp.* /var/lib/messengerd/.lock
        if [ -d /var/lib/messengerd ] && ! rmdir /var/lib/messengerd 2>/dev/null; then
            echo "messengerd: kept /var/lib/messengerd (it still holds data, e.g. the queue database)" >&2
        fi
        ;;
esac
if [ "$1" = remove ] || [ "$1" = purge ]; then
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null 2>&1 || true
    fi
fi
exit 0
]=])

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME messengerd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR messengerd)
set(CPACK_PACKAGE_CONTACT "${MESSENGERD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "native worker daemon for Symfony Messenger queues")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_CMAKE_PROJECTS
  "${PROJECT_BINARY_DIR};${PROJECT_NAME};Unspecified;/"
  "${PROJECT_BINARY_DIR};${PROJECT_NAME};deb;/")
set(CPACK_STRIP_FILES TRUE)

set(CPACK_DEBIAN_PACKAGE_NAME messengerd)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # messengerd_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MESSENGERD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "native worker daemon for Symfony Messenger queues
messengerd reads the messenger.yaml of a Symfony application, runs its handlers
as plugins and consumes the same queues as the PHP application: same bytes on
the wire, same retries, same failure transport. Ships systemd units
(messengerd@.service), a supervisor example and an embedded SQLite queue.")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "supervisor")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_deb_dir}/control/conffiles ${_deb_dir}/control/postinst
  ${_deb_dir}/control/prerm ${_deb_dir}/control/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# Depends: adduser (postinst) and the shared libraries, computed by dpkg-shlibdeps (dpkg-dev)
# when it is there, else the Debian 12 packages listed by hand.
find_program(MESSENGERD_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MESSENGERD_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "adduser, libc6, libstdc++6, libgcc-s1, libyaml-cpp0.7, libspdlog1.10, libfmt9, libsqlite3-0, libhiredis0.14, libssl3, librabbitmq4, libpqxx-6.4, libprometheus-cpp-core1.0, libprometheus-cpp-pull1.0")
endif()

include(CPack)
