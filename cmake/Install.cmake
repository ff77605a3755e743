include(CMakePackageConfigHelpers)

install(TARGETS messengerd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The transport modules, where the executable looks for them (relative to itself, see CMakeLists.txt).
install(TARGETS ${MESSENGERD_TRANSPORT_MODULES} LIBRARY DESTINATION ${MESSENGERD_TRANSPORT_INSTALL_DIR})
install(TARGETS messengerd_sdk EXPORT messengerdTargets)
install(DIRECTORY include/messengerd DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT messengerdTargets NAMESPACE messengerd::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/messengerd)
configure_package_config_file(cmake/messengerdConfig.cmake.in
  ${PROJECT_BINARY_DIR}/messengerdConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/messengerd)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/messengerdConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/messengerdConfig.cmake
              ${PROJECT_BINARY_DIR}/messengerdConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/messengerd)
# COMPONENT config: the Debian package (cmake/Packaging.cmake) ships its own copy in /etc instead.
install(FILES config/messenger.yaml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/messengerd COMPONENT config)
install(DIRECTORY config/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/messengerd/examples/config OPTIONAL)
install(DIRECTORY plugins/ DESTINATION ${CMAKE_INSTALL_DATADIR}/messengerd/examples/plugins
        PATTERN "build*" EXCLUDE)
