#pragma once
// Liberty boolean functions ("!(A1 & A2)", "A B + C'", "(A^B)") as Verilog
// expressions, for simulation models of library cells.
//
// Grammar (Liberty): operands are pin or state names and the constants 0, 1;
// NOT is a prefix `!` or a postfix `'`; AND is `&`, `*` or juxtaposition;
// OR is `|` or `+`; XOR is `^`. Precedence, highest first: NOT, XOR, AND,
// OR (the order Yosys' liberty reader uses, so simulation models and Yosys
// agree on every library).

#include <map>
#include <set>
#include <string>

namespace bf::synth {

// The Verilog expression (fully parenthesized, operators ~ & | ^, constants
// 1'b0/1'b1) of a Liberty function. Every name it uses is added to *names
// when names is not null. Throws std::runtime_error "<where>: ..." on a
// malformed expression.
std::string liberty_function_to_verilog(const std::string& function, const std::string& where,
                                        std::set<std::string>* names = nullptr);

// The function's value for the given input values (names missing from
// `values` read as 0). Throws like liberty_function_to_verilog.
bool evaluate_liberty_function(const std::string& function,
                               const std::map<std::string, bool>& values, const std::string& where);

}  // namespace bf::synth
