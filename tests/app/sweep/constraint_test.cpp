// The sweep constraint language: precedence and associativity, the types,
// evaluation errors, and every syntax / name / type error with its column.

#include "app/sweep/constraint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using bf::sweep::Constraint;
using bf::sweep::ConstraintError;
using bf::sweep::ValueType;
using json = nlohmann::ordered_json;

const json kParams = {{"format", "mxint8"}, {"block", 32}, {"outliers", 2},    {"signed", true},
                      {"ratio", 0.5},       {"zero", 0},   {"widths", {3, 5}}, {"big", INT64_MAX}};

const std::vector<std::pair<std::string, ValueType>> kTypes = {
    {"format", ValueType::String},   {"block", ValueType::Int},   {"outliers", ValueType::Int},
    {"signed", ValueType::Bool},     {"ratio", ValueType::Float}, {"zero", ValueType::Int},
    {"widths", ValueType::Unusable}, {"big", ValueType::Int}};

bool eval(const std::string& text) {
  const Constraint c = Constraint::parse(text);
  c.check(kTypes, "opal.pe");
  return c.evaluate(kParams);
}

// "column N: message" of the ConstraintError that parse+check+evaluate throws.
std::string error_of(const std::string& text) {
  try {
    const Constraint c = Constraint::parse(text);
    c.check(kTypes, "opal.pe");
    c.evaluate(kParams);
  } catch (const ConstraintError& e) {
    return "column " + std::to_string(e.column()) + ": " + e.what();
  }
  return "";
}

// Evaluation only (no static check): the errors a point's values can cause.
std::string eval_error_of(const std::string& text, const json& params) {
  try {
    Constraint::parse(text).evaluate(params);
  } catch (const ConstraintError& e) {
    return "column " + std::to_string(e.column()) + ": " + e.what();
  }
  return "";
}

TEST(Constraint, LiteralsAndNames) {
  EXPECT_TRUE(eval("true"));
  EXPECT_FALSE(eval("false"));
  EXPECT_TRUE(eval("block == 32"));
  EXPECT_TRUE(eval("format == 'mxint8'"));
  EXPECT_TRUE(eval("format == \"mxint8\""));
  EXPECT_TRUE(eval("format != 'mxint4'"));
  EXPECT_TRUE(eval("signed"));
  EXPECT_TRUE(eval("signed == true"));
  EXPECT_TRUE(eval("ratio == 0.5"));
  EXPECT_TRUE(eval("ratio * 2 == 1"));
  EXPECT_TRUE(eval("1e3 == 1000"));
  EXPECT_TRUE(eval("2.5E-1 == 0.25"));
  EXPECT_TRUE(eval("3. == 3"));
  EXPECT_TRUE(eval("'it\\'s' == \"it's\""));
  EXPECT_TRUE(eval("'a\\\\b' != 'ab'"));
  EXPECT_TRUE(eval("\t block\t>= 16 "));
}

TEST(Constraint, CPrecedence) {
  // * / % bind tighter than + -, which bind tighter than comparisons.
  EXPECT_TRUE(eval("2 + 3 * 4 == 14"));
  EXPECT_TRUE(eval("(2 + 3) * 4 == 20"));
  EXPECT_TRUE(eval("20 - 4 / 2 == 18"));
  EXPECT_TRUE(eval("2 + 7 % 4 == 5"));
  // Left associativity.
  EXPECT_TRUE(eval("10 - 4 - 3 == 3"));
  EXPECT_TRUE(eval("64 / 4 / 2 == 8"));
  EXPECT_TRUE(eval("100 / 10 * 2 == 20"));
  // Unary minus binds tighter than *.
  EXPECT_TRUE(eval("-2 * 3 == -6"));
  EXPECT_TRUE(eval("- -3 == 3"));
  EXPECT_TRUE(eval("2 - -3 == 5"));
  // Relations bind tighter than ==.
  EXPECT_TRUE(eval("1 < 2 == 3 < 4"));
  EXPECT_TRUE(eval("block > 16 == true"));
  // && binds tighter than ||: true || (false && false).
  EXPECT_TRUE(eval("true || false && false"));
  EXPECT_FALSE(eval("(true || false) && false"));
  EXPECT_TRUE(eval("false && false || true"));
  // ! binds tighter than && and ==.
  EXPECT_FALSE(eval("!true && true"));
  EXPECT_TRUE(eval("!(true && false)"));
  EXPECT_TRUE(eval("!signed == false"));
  EXPECT_TRUE(eval("!!signed"));
  // The example: outliers < block.
  EXPECT_TRUE(eval("outliers < block"));
  EXPECT_TRUE(eval("format != 'mxint4' || block <= 32"));
}

TEST(Constraint, CArithmetic) {
  EXPECT_TRUE(eval("7 / 2 == 3"));    // integer division
  EXPECT_TRUE(eval("-7 / 2 == -3"));  // truncates toward zero
  EXPECT_TRUE(eval("-7 % 3 == -1"));  // the sign follows the dividend
  EXPECT_TRUE(eval("7 % -3 == 1"));
  EXPECT_TRUE(eval("7.0 / 2 == 3.5"));  // a float makes float arithmetic
  EXPECT_TRUE(eval("block / 64.0 == ratio"));
  EXPECT_TRUE(eval("block + 0.5 > 32"));
  EXPECT_TRUE(eval("2 <= 2 && 2 >= 2 && !(2 < 2) && !(2 > 2)"));
  EXPECT_TRUE(eval("1 < 1.5"));
  EXPECT_TRUE(eval("big - 1 + 1 == big"));
  EXPECT_TRUE(eval("9223372036854775807 == big"));
}

TEST(Constraint, ShortCircuitSkipsTheOtherSide) {
  // The right side would divide by zero.
  EXPECT_FALSE(eval("false && 1 / zero == 1"));
  EXPECT_TRUE(eval("true || 1 / zero == 1"));
  EXPECT_TRUE(eval("zero == 0 || block / zero > 1"));
}

TEST(Constraint, Names) {
  EXPECT_EQ(Constraint::parse("block >= outliers * 4 && format != 'x' || block > 2").names(),
            (std::vector<std::string>{"block", "outliers", "format"}));
  EXPECT_EQ(Constraint::parse("1 < 2").names(), std::vector<std::string>{});
  EXPECT_EQ(Constraint::parse("block == 32").text(), "block == 32");
}

TEST(Constraint, SyntaxErrorsCarryTheColumn) {
  EXPECT_EQ(error_of(""),
            "column 1: empty constraint: expected a condition such as \"block >= 16\"");
  EXPECT_EQ(error_of("   "),
            "column 1: empty constraint: expected a condition such as \"block >= 16\"");
  EXPECT_EQ(error_of("block >="),
            "column 9: expected a value (a number, a string, true, false, a parameter or '('), "
            "found the end of the constraint");
  EXPECT_EQ(error_of("block >= >= 3"),
            "column 10: expected a value (a number, a string, true, false, a parameter or '('), "
            "found '>='");
  EXPECT_EQ(error_of("block = 32"), "column 7: '=' is not an operator; did you mean '=='?");
  EXPECT_EQ(error_of("signed & true"), "column 8: '&' is not an operator; did you mean '&&'?");
  EXPECT_EQ(error_of("signed | true"), "column 8: '|' is not an operator; did you mean '||'?");
  EXPECT_EQ(error_of("(block > 2"),
            "column 11: expected ')' to close the '(' at column 1, found the end of the "
            "constraint");
  EXPECT_EQ(error_of("block > 2)"),
            "column 10: expected an operator or the end of the constraint, found ')'");
  EXPECT_EQ(error_of("block 32"),
            "column 7: expected an operator or the end of the constraint, found '32'");
  EXPECT_EQ(error_of("format == 'mxint8"), "column 11: unterminated string: no closing '");
  EXPECT_EQ(error_of("format == \"a\\nb\""),
            "column 13: unknown escape in a string: only \\\\, \\' and \\\" are allowed");
  EXPECT_EQ(error_of("block > 16k"), "column 9: malformed number '16k'");
  EXPECT_EQ(error_of("block > 1.2.3"), "column 9: malformed number '1.2.3'");
  EXPECT_EQ(error_of("block > 1e"), "column 9: malformed number '1e'");
  EXPECT_EQ(error_of("block > 99999999999999999999"),
            "column 9: integer 99999999999999999999 does not fit in 64 bits");
  EXPECT_EQ(error_of("block # 2"), "column 7: unexpected character '#'");
  EXPECT_EQ(error_of("block > 2 ;"), "column 11: unexpected character ';'");
  // Columns count characters, not bytes.
  EXPECT_EQ(error_of("format == 'é' &"), "column 15: '&' is not an operator; did you mean '&&'?");
  EXPECT_EQ(error_of(std::string(300, '(') + "1"), "column 201: the constraint nests too deeply");
}

TEST(Constraint, UnknownNamesSuggestTheParameter) {
  EXPECT_EQ(error_of("blok >= 16"),
            "column 1: unknown parameter 'blok' for unit opal.pe; did you mean 'block'?");
  EXPECT_EQ(error_of("block >= 16 && outlier < 4"),
            "column 16: unknown parameter 'outlier' for unit opal.pe; did you mean 'outliers'?");
  EXPECT_EQ(error_of("qqqqqq == 1"),
            "column 1: unknown parameter 'qqqqqq' for unit opal.pe (parameters: format, block, "
            "outliers, signed, ratio, zero, widths, big)");
  EXPECT_EQ(error_of("signed and true"),
            "column 8: expected an operator or the end of the constraint, found 'and'; use '&&'");
  EXPECT_EQ(error_of("not signed"),
            "column 5: expected an operator or the end of the constraint, found 'signed'; use '!' "
            "for not");
  EXPECT_EQ(error_of("and"), "column 1: 'and' is not an operator; use '&&'");
  EXPECT_EQ(error_of("widths == 3"),
            "column 1: parameter 'widths' is a list: constraints compare numbers, strings and "
            "booleans");
  EXPECT_EQ(error_of("True"),
            "column 1: unknown parameter 'True' for unit opal.pe (parameters: format, block, "
            "outliers, signed, ratio, zero, widths, big)");
}

TEST(Constraint, TypeErrorsNameTheOperatorAndOperands) {
  EXPECT_EQ(error_of("\"mxint8\" < 3"),
            "column 10: '<' compares numbers, found a string (\"mxint8\") and an integer (3)");
  EXPECT_EQ(error_of("format < 3"),
            "column 8: '<' compares numbers, found a string (format) and an integer (3)");
  EXPECT_EQ(error_of("format == 8"),
            "column 8: '==' compares two numbers, two strings or two booleans, found a string "
            "(format) and an integer (8)");
  EXPECT_EQ(error_of("signed != 1"),
            "column 8: '!=' compares two numbers, two strings or two booleans, found a boolean "
            "(signed) and an integer (1)");
  EXPECT_EQ(error_of("block && true"),
            "column 7: '&&' needs two conditions (true or false), found an integer (block) and "
            "a boolean (true)");
  EXPECT_EQ(error_of("signed || 'x'"),
            "column 8: '||' needs two conditions (true or false), found a boolean (signed) and a "
            "string ('x')");
  EXPECT_EQ(error_of("!block"),
            "column 1: '!' needs a condition (true or false), found an integer (block)");
  EXPECT_EQ(error_of("-format == 1"), "column 1: '-' needs a number, found a string (format)");
  EXPECT_EQ(error_of("format + 'x' == 'y'"),
            "column 8: '+' needs numbers, found a string (format) and a string ('x')");
  EXPECT_EQ(error_of("ratio % 2 == 0"),
            "column 7: '%' needs integers, found a float (ratio) and an integer (2)");
  // Chained comparisons are C's (a < b) < c, a type error rather than a surprise.
  EXPECT_EQ(error_of("1 < block < 64"),
            "column 11: '<' compares numbers, found a boolean (1 < block) and an integer (64)");
  // The whole constraint must be a condition.
  EXPECT_EQ(error_of("block + 1"),
            "column 1: expected a condition (true or false), found an integer (block + 1)");
  EXPECT_EQ(error_of("(format)"),
            "column 1: expected a condition (true or false), found a string ((format))");
  // Long operands are shortened in the message.
  EXPECT_EQ(error_of("(block + block + block + block + block) && true"),
            "column 41: '&&' needs two conditions (true or false), found an integer ((block + "
            "block + block + block +...) and a boolean (true)");
}

TEST(Constraint, EvaluationErrors) {
  EXPECT_EQ(error_of("block / zero == 1"), "column 7: division by zero in 'block / zero'");
  EXPECT_EQ(error_of("block % zero == 1"), "column 7: division by zero in 'block % zero'");
  EXPECT_EQ(error_of("ratio / 0 == 1"), "column 7: division by zero in 'ratio / 0'");
  EXPECT_EQ(error_of("big + 1 > 0"), "column 5: integer overflow in 'big + 1'");
  EXPECT_EQ(error_of("big * 2 > 0"), "column 5: integer overflow in 'big * 2'");
  EXPECT_EQ(error_of("-big - 2 < 0"), "column 6: integer overflow in '-big - 2'");
  EXPECT_EQ(error_of("(-big - 1) / -1 > 0"), "column 12: integer overflow in '(-big - 1) / -1'");
  EXPECT_EQ(error_of("-(-big - 1) > 0"), "column 1: integer overflow in '-(-big - 1)'");
  EXPECT_TRUE(eval("(-big - 1) % -1 == 0"));
  // A point whose values do not have the declared types (the unit's reader
  // reports those first; the evaluator still does not crash).
  EXPECT_EQ(eval_error_of("block >= 16", {{"block", "16"}}),
            "column 7: '>=' compares numbers, found a string (block) and an integer (16)");
  EXPECT_EQ(eval_error_of("block >= 16", {{"format", "x"}}), "column 1: unknown parameter 'block'");
  EXPECT_EQ(eval_error_of("widths == 1", kParams),
            "column 1: parameter 'widths' is a list: constraints compare numbers, strings and "
            "booleans");
  EXPECT_EQ(eval_error_of("block + 1", kParams),
            "column 1: expected a condition (true or false), found an integer (block + 1)");
  EXPECT_EQ(eval_error_of("block >= 16", {{"block", UINT64_MAX}}),
            "column 1: parameter 'block' = 18446744073709551615 does not fit in 64 bits");
  EXPECT_TRUE(Constraint::parse("block == 3").evaluate({{"block", 3u}}));
}

TEST(Constraint, ValueTypesOfParamInfo) {
  EXPECT_EQ(bf::sweep::value_type_of("int"), ValueType::Int);
  EXPECT_EQ(bf::sweep::value_type_of("bool"), ValueType::Bool);
  EXPECT_EQ(bf::sweep::value_type_of("string"), ValueType::String);
  EXPECT_EQ(bf::sweep::value_type_of("float"), ValueType::Float);
  EXPECT_EQ(bf::sweep::value_type_of("int list"), ValueType::Unusable);
}

TEST(Constraint, CopiesShareTheParsedTree) {
  const Constraint a = Constraint::parse("block > 16");
  const Constraint b = a;
  EXPECT_TRUE(b.evaluate(kParams));
  EXPECT_EQ(b.text(), "block > 16");
}

}  // namespace
