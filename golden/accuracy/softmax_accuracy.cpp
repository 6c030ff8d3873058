#include "golden/accuracy/softmax_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace bf::softmax {

std::string to_string(LogitDist d) {
  return d == LogitDist::Uniform ? "uniform U(-8,8)" : "attention-like";
}

std::vector<double> make_logits(LogitDist dist, int n, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> x(static_cast<std::size_t>(n) * static_cast<std::size_t>(count));
  std::uniform_real_distribution<double> uni(-8.0, 8.0);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> spread(1.0, 3.0);
  std::uniform_real_distribution<double> peak(4.0, 10.0);
  std::uniform_int_distribution<int> peaks(1, 3);
  std::uniform_int_distribution<int> pos(0, n - 1);
  for (int v = 0; v < count; ++v) {
    double* row = x.data() + static_cast<std::size_t>(v) * static_cast<std::size_t>(n);
    if (dist == LogitDist::Uniform) {
      for (int i = 0; i < n; ++i) row[i] = uni(rng);
    } else {
      const double sigma = spread(rng);
      for (int i = 0; i < n; ++i) row[i] = sigma * gauss(rng);
      const int np = peaks(rng);
      for (int k = 0; k < np; ++k) row[pos(rng)] += peak(rng);
    }
  }
  return x;
}

std::vector<int32_t> quantize_logits(std::span<const double> x, int int_bits, int frac_bits) {
  const int w = int_bits + frac_bits;
  const double lo = -std::ldexp(1.0, w - 1), hi = std::ldexp(1.0, w - 1) - 1;
  std::vector<int32_t> q(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    q[i] = static_cast<int32_t>(std::clamp(std::round(std::ldexp(x[i], frac_bits)), lo, hi));
  return q;
}

void exact_softmax(std::span<const int32_t> x, int frac_bits, std::span<double> p) {
  const int32_t m = *std::max_element(x.begin(), x.end());
  double sum = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    p[i] = std::exp(std::ldexp(static_cast<double>(x[i] - m), -frac_bits));
    sum += p[i];
  }
  for (double& v : p) v /= sum;
}

SoftmaxModel exact_floored_model(int frac_bits, int out_bits) {
  return [frac_bits, out_bits](std::span<const int32_t> x, std::span<uint32_t> y) {
    std::vector<double> p(x.size());
    exact_softmax(x, frac_bits, p);
    const double top = std::ldexp(1.0, out_bits) - 1;
    for (std::size_t i = 0; i < x.size(); ++i)
      y[i] = static_cast<uint32_t>(std::min(std::floor(std::ldexp(p[i], out_bits)), top));
  };
}

double kl_divergence(std::span<const double> p, std::span<const uint32_t> y, int out_bits) {
  const double floor_q = std::ldexp(0.5, -out_bits);
  double qsum = 0;
  for (uint32_t v : y) qsum += std::max(std::ldexp(static_cast<double>(v), -out_bits), floor_q);
  double kl = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    const double q = std::max(std::ldexp(static_cast<double>(y[i]), -out_bits), floor_q) / qsum;
    kl += p[i] * std::log(p[i] / q);
  }
  return std::max(kl, 0.0);  // exact arithmetic gives >= 0 (Gibbs); clip rounding noise
}

AccuracyStats evaluate(const SoftmaxModel& model, std::span<const int32_t> codes, int n,
                       int frac_bits, int out_bits) {
  if (n <= 0 || codes.size() % static_cast<std::size_t>(n) != 0)
    throw std::invalid_argument("evaluate: codes must hold whole vectors");
  AccuracyStats st;
  st.vectors = static_cast<int>(codes.size() / static_cast<std::size_t>(n));
  std::vector<uint32_t> y(static_cast<std::size_t>(n));
  std::vector<double> p(static_cast<std::size_t>(n));
  double abs_sum = 0, kl_sum = 0, dev_sum = 0;
  int agree = 0;
  for (int v = 0; v < st.vectors; ++v) {
    const auto x = codes.subspan(static_cast<std::size_t>(v) * static_cast<std::size_t>(n),
                                 static_cast<std::size_t>(n));
    model(x, y);
    exact_softmax(x, frac_bits, p);
    double ysum = 0;
    for (int i = 0; i < n; ++i) {
      const double yi = std::ldexp(static_cast<double>(y[i]), -out_bits);
      const double e = std::abs(yi - p[i]);
      st.max_abs_err = std::max(st.max_abs_err, e);
      abs_sum += e;
      ysum += yi;
    }
    dev_sum += std::abs(ysum - 1.0);
    kl_sum += kl_divergence(p, y, out_bits);
    const auto ya = std::max_element(y.begin(), y.end()) - y.begin();
    const auto pa = std::max_element(p.begin(), p.end()) - p.begin();
    agree += ya == pa;
  }
  if (st.vectors > 0) {
    st.mean_abs_err = abs_sum / (static_cast<double>(st.vectors) * n);
    st.mean_kl = kl_sum / st.vectors;
    st.top1 = static_cast<double>(agree) / st.vectors;
    st.mean_sum_dev = dev_sum / st.vectors;
  }
  return st;
}

}  // namespace bf::softmax
