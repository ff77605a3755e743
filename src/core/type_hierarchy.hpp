#pragma once
// Message types and the parent types/interfaces plugins declare for them, so routing and
// handler selection can match `App\Message\AsyncMessageInterface` as Symfony matches PHP
// parents and interfaces.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace messengerd::core {

class TypeHierarchy {
 public:
  void declare(const std::string& type, const std::vector<std::string>& parents);
  // The type itself first, then its parents, transitively, in declaration order, each once.
  std::vector<std::string> lineage(std::string_view type) const;
  const std::map<std::string, std::vector<std::string>, std::less<>>& declared() const { return parents_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> parents_;
};

}  // namespace messengerd::core
