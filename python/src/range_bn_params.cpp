#include "python/src/range_bn_params.hpp"

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "generator/config/config.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"
#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

namespace bf::py {

namespace {

namespace pyb = pybind11;
namespace ln = golden::lightnorm;

// The name keyword arguments are reported under, in place of a design file's
// path (they have no line and column).
constexpr const char* kKeywords = "RangeBn";

// "RangeBn:1:1: unknown parameter ..." -> "RangeBn: unknown parameter ...":
// the reader's location means nothing for keyword arguments.
std::string without_location(const std::string& message) {
  const std::string prefix = std::string(kKeywords) + ":1:1: ";
  if (message.rfind(prefix, 0) == 0)
    return std::string(kKeywords) + ": " + message.substr(prefix.size());
  return message;
}

// A Python int as TOML's 64-bit integer (ValueError beyond it).
int64_t int_of(const std::string& key, const pyb::handle& value) {
  try {
    return value.cast<int64_t>();
  } catch (const pyb::cast_error&) {
    throw pyb::value_error(std::string(kKeywords) + ": parameter '" + key +
                           "' = " + pyb::str(value).cast<std::string>() +
                           " is out of range: it does not fit a 64-bit integer");
  }
}

// The keyword arguments as the [params] table of a design file, so that the
// configuration language's reader checks them (types, ranges, choices,
// unknown keys with did-you-mean).
toml::table table_of(const pyb::kwargs& kwargs) {
  toml::table t;
  for (const auto& [key_obj, value] : kwargs) {
    const std::string key = pyb::str(key_obj);
    // bool before int: a Python bool is an int.
    if (pyb::isinstance<pyb::bool_>(value))
      t.insert(key, value.cast<bool>());
    else if (pyb::isinstance<pyb::int_>(value))
      t.insert(key, int_of(key, value));
    else if (pyb::isinstance<pyb::float_>(value))
      t.insert(key, value.cast<double>());  // the reader says "expected an integer, found a float"
    else if (pyb::isinstance<pyb::str>(value))
      t.insert(key, value.cast<std::string>());
    else
      throw pyb::type_error(std::string(kKeywords) + ": parameter '" + key +
                            "': expected a str or an int, got " +
                            pyb::str(pyb::type::of(value).attr("__name__")).cast<std::string>());
  }
  return t;
}

// A design file's range-BN arithmetic, read and checked as `blockforge gen`
// reads it (every rule of the unit, file:line:column messages).
RangeBnPyParams params_of_design(const pyb::object& design) {
  std::string path;
  try {
    path = pyb::module_::import("os").attr("fspath")(design).cast<std::string>();
  } catch (const pyb::error_already_set&) {
    throw pyb::type_error(
        "design: expected a path (str or os.PathLike) of a lightnorm.bn_fwd or "
        "lightnorm.bn_bwd design file, got " +
        pyb::str(pyb::type::of(design).attr("__name__")).cast<std::string>());
  } catch (const pyb::cast_error&) {
    throw pyb::type_error("design: expected a str path, got a bytes path; pass os.fsdecode(path)");
  }
  RangeBnPyParams p;
  try {
    const cfg::DesignFile file = cfg::load_design_file(path);
    if (file.unit == "lightnorm.bn_fwd") {
      const auto u = cfg::read_params<golden::LnBnFwdParams>(file.params, file.path, file.unit);
      p.bfp = u.bfp;
      p.bfp_group = u.bfp_group;
      p.bfp_bits = u.bfp_bits;
      p.rb = u.rb;
    } else if (file.unit == "lightnorm.bn_bwd") {
      p.rb = cfg::read_params<golden::BnBwdParams>(file.params, file.path, file.unit).rb;
    } else {
      throw pyb::value_error(file.unit_where + ": design of unit " + file.unit +
                             "; RangeBn takes the arithmetic of a lightnorm.bn_fwd or "
                             "lightnorm.bn_bwd design");
    }
  } catch (const cfg::ConfigError& e) {
    throw pyb::value_error(e.what());
  }
  return p;
}

// Writes every key of the parameters into a dict.
class DictVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view name, T& value, std::string_view /*help*/, Rest&&...) {
    dict[pyb::str(std::string(name))] = value;
  }
  pyb::dict dict;
};

RangeBnPyParams with_keywords(RangeBnPyParams p, const pyb::kwargs& kwargs) {
  const toml::table table = table_of(kwargs);
  std::vector<cfg::detail::FieldError> errors;
  cfg::detail::read_table(table, p, kKeywords, "", errors);
  try {
    if (!errors.empty()) cfg::detail::throw_first(kKeywords, std::move(errors));
  } catch (const cfg::ConfigError& e) {
    throw pyb::value_error(without_location(e.what()));
  }
  try {
    p.validate();
  } catch (const ParamError& e) {
    throw pyb::value_error(std::string(kKeywords) + ": parameter '" + e.key() + "': " + e.what());
  }
  return p;
}

}  // namespace

void RangeBnPyParams::validate() const {
  const auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  if (bfp != "keep_max" && bfp != "plain" && bfp != "none")
    throw ParamError("bfp", "bfp = '" + bfp + "': expected one of keep_max, plain, none");
  if (!in(bfp_group, 1, 64)) throw ParamError("bfp_group", "bfp_group: expected 1..64");
  if (!in(bfp_bits, 1, 16)) throw ParamError("bfp_bits", "bfp_bits: expected 1..16");
  if (!in(grad_bfp_bits, 1, 24)) throw ParamError("grad_bfp_bits", "grad_bfp_bits: expected 1..24");
  (void)ln::range_bn_params(rb);  // ParamError naming the range-BN key
}

ln::RangeBnTensorParams RangeBnPyParams::tensor() const {
  validate();
  ln::RangeBnTensorParams t;
  t.core = ln::range_bn_params(rb);
  t.bfp = bfp != "none";
  const auto variant = bfp == "plain" ? golden::LightnormBfp::Variant::Plain
                                      : golden::LightnormBfp::Variant::KeepMax;
  t.io_bfp = {bfp_group, bfp_bits, variant};
  t.grad_bfp = {bfp_group, grad_bfp_bits, variant};
  t.validate();
  return t;
}

RangeBnPyParams read_range_bn_params(const pyb::object& design, const pyb::kwargs& kwargs) {
  return with_keywords(design.is_none() ? RangeBnPyParams{} : params_of_design(design), kwargs);
}

RangeBnPyParams fp32_range_bn_params(const pyb::kwargs& kwargs) {
  RangeBnPyParams p;
  p.rb.io = p.rb.grad = p.rb.stat = p.rb.norm = "fp32";
  p.bfp = "none";
  return with_keywords(p, kwargs);
}

pyb::dict range_bn_params_dict(const RangeBnPyParams& p) {
  RangeBnPyParams copy = p;  // visit() is non-const
  DictVisitor v;
  copy.visit(v);
  return v.dict;
}

}  // namespace bf::py
