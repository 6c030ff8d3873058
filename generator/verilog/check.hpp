#pragma once
// Checks on one module that make a class of generator bug impossible to
// ship. IEEE 1364 requires every name to be declared before its first use;
// Verilator, Yosys and Icarus accept use-before-declaration, but commercial
// simulators and synthesis tools reject it, so the writer enforces it.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::vlog {

// The identifiers an expression refers to, in order, without numbers,
// based literals (8'd5, 4'sb1010), system functions ($signed) or keywords.
std::vector<std::string> identifiers(const std::string& expr);

// Throws std::logic_error("vlog: module M uses 'x' before its declaration
// (in <where>)") for the first name used in an item before the item that
// declares it (ports are declared first; a generate loop's genvar and local
// nets are declared inside the loop). Also throws for a register update of
// a memory word with a reset value: memories have no per-entry reset.
void check_declaration_order(const Module& m);

}  // namespace bf::vlog
