#pragma once
// An envelope: the message type, its encoded body, and its stamps in the order they were
// added. Order matters: Symfony writes one header per stamp class, in the order each class
// first appeared, and several stamps of one class in the order they were added.
#include <string>
#include <string_view>
#include <vector>

#include "core/stamp.hpp"

namespace messengerd::core {

class Envelope {
 public:
  Envelope() = default;
  Envelope(std::string type, std::string body) : type_(std::move(type)), body_(std::move(body)) {}

  const std::string& type() const { return type_; }
  const std::string& body() const { return body_; }
  void set_type(std::string type) { type_ = std::move(type); }
  void set_body(std::string body) { body_ = std::move(body); }

  const std::vector<Stamp>& stamps() const { return stamps_; }

  // Appends a stamp (Symfony's Envelope::with).
  void add(Stamp stamp) { stamps_.push_back(std::move(stamp)); }
  // Removes every stamp of a class (Symfony's Envelope::withoutAll).
  void remove_all(std::string_view fqcn);
  // The most recently added stamp of a class, or nullptr (Symfony's Envelope::last).
  const Stamp* last(std::string_view fqcn) const;
  // Every stamp of a class, oldest first.
  std::vector<const Stamp*> all(std::string_view fqcn) const;
  bool has(std::string_view fqcn) const { return last(fqcn) != nullptr; }

  friend bool operator==(const Envelope&, const Envelope&) = default;

 private:
  std::string type_;
  std::string body_;
  std::vector<Stamp> stamps_;
};

}  // namespace messengerd::core
