#pragma once
// The syntax of a Liberty (.lib) file as a tree of groups, without meaning:
//   group:              name (args) { statements }
//   simple attribute:   name : value ;
//   complex attribute:  name (args) ;
// Comments (/* */ and //), quoted strings and backslash-newline line
// continuations are handled; values keep their text (quotes removed).
// Meaning (cells, pins, tables, units) is synth/liberty.hpp's job.

#include <map>
#include <string>
#include <vector>

namespace bf::synth {

struct LibertyGroup {
  std::string type;               // "library", "cell", "pin", "timing", ...
  std::vector<std::string> args;  // cell (NAND2) -> {"NAND2"}
  int line = 0;                   // where it starts, for messages
  // Simple attributes in file order (a name may repeat).
  std::vector<std::pair<std::string, std::string>> attributes;
  // Complex attributes: name -> args (values ("1, 2", "3, 4") -> two args).
  std::vector<std::pair<std::string, std::vector<std::string>>> complex;
  std::vector<LibertyGroup> groups;

  // The last simple attribute called `name`, or nullptr.
  const std::string* attribute(const std::string& name) const;
  // The first complex attribute called `name`, or nullptr.
  const std::vector<std::string>* complex_attribute(const std::string& name) const;
  // Child groups of a type, in file order.
  std::vector<const LibertyGroup*> children(const std::string& type) const;
};

// Parses Liberty text; `origin` names the file in messages. Throws
// std::runtime_error "<origin>:<line>: <what>" on a syntax error.
LibertyGroup parse_liberty(const std::string& text, const std::string& origin);

}  // namespace bf::synth
