#pragma once
// The modules of one design, checked as a whole. A unit generator hands its
// modules (Design::modules()) to finalize_modules(), which
//   - keeps a module that several parents use once: two modules of the same
//     name must print identically (a shared primitive), a different body
//     under one name is a generator bug;
//   - checks every instance against its child's port list: each port
//     connected once, by name, with an expression of the port's width, and
//     outputs driving nets (not regs, literals or operators);
//   - returns the modules reachable from the top in dependency order
//     (children before parents, the top last).
// Every failure throws std::logic_error naming the module, the instance and
// the port: a wrong connection is a generator error, never a lint warning.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::vlog {

std::vector<Module> finalize_modules(std::vector<Module> modules, const std::string& top);

// The width of a connection expression in `m` (a declared name, a select
// name[msb:lsb], name[i], name[base +: w] or name[base -: w], a sized
// literal, a concatenation or replication of those), or nullopt for any
// other expression. `locals` adds names declared inside a generate loop.
std::optional<int> connection_width(const std::string& expr, const Module& m,
                                    const std::map<std::string, int>& locals = {});

}  // namespace bf::vlog
