// `blockforge bn-traffic [--network NAME|FILE] [--batch B] [--fused] [--json]`:
// the off-chip bytes of a network's BN layers in training, forward and
// backward, for fp32 BN and LightNorm's formats (golden/lightnorm/bn_traffic.hpp
// documents the dataflow counted). A BN layer follows every conv and dwconv
// layer of the table, on its output: batch x cout x ho x wo.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/studies/flexblock_inputs.hpp"
#include "golden/flexblock/network.hpp"
#include "golden/lightnorm/bn_traffic.hpp"

namespace bf::cli {

namespace {

namespace ln = golden::lightnorm;

constexpr int64_t kMaxBatch = 65536;

struct BnTrafficOptions {
  std::string network = "resnet18-cifar";
  int64_t batch = 128;
  bool fused = false, json = false;
};

struct SchemeTotals {
  ln::BnLayerTraffic sum;
  std::vector<ln::BnLayerTraffic> layers;
};

void add(ln::PassBytes& a, const ln::PassBytes& b) {
  a.read += b.read;
  a.write += b.write;
}

std::vector<ln::BnLayerShape> bn_layers(const golden::flexblock::Network& net, int64_t batch) {
  std::vector<ln::BnLayerShape> out;
  for (const auto& l : net.layers)
    if (l.is_conv()) out.push_back({l.name, batch, l.cout, l.ho(), l.wo()});
  return out;
}

double mb(double bytes) { return bytes / 1e6; }

nlohmann::ordered_json pass_json(const ln::PassBytes& p) {
  return {{"read_bytes", p.read}, {"write_bytes", p.write}};
}

void print_json(const BnTrafficOptions& o, const std::string& network,
                const std::vector<ln::BnLayerShape>& layers,
                const std::vector<ln::BnTrafficScheme>& schemes,
                const std::vector<SchemeTotals>& totals) {
  nlohmann::ordered_json j;
  j["network"] = network;
  j["batch"] = o.batch;
  j["fused"] = o.fused;
  j["schemes"] = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    const auto& sc = schemes[s];
    nlohmann::ordered_json js{{"id", sc.id},
                              {"label", sc.label},
                              {"x", sc.x.label()},
                              {"y", sc.y.label()},
                              {"g", sc.g.label()},
                              {"dx", sc.dx.label()},
                              {"bits_per_element",
                               {{"x", sc.x.bits_per_element()},
                                {"y", sc.y.bits_per_element()},
                                {"g", sc.g.bits_per_element()},
                                {"dx", sc.dx.bits_per_element()}}},
                              {"forward", pass_json(totals[s].sum.forward)},
                              {"backward", pass_json(totals[s].sum.backward)},
                              {"total_bytes", totals[s].sum.total()},
                              {"vs_fp32", totals[0].sum.total() / totals[s].sum.total()}};
    js["layers"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < layers.size(); ++i)
      js["layers"].push_back({{"name", layers[i].name},
                              {"shape", {layers[i].n, layers[i].c, layers[i].h, layers[i].w}},
                              {"forward", pass_json(totals[s].layers[i].forward)},
                              {"backward", pass_json(totals[s].layers[i].backward)}});
    j["schemes"].push_back(js);
  }
  std::cout << j.dump(2) << "\n";
}

void print_text(const BnTrafficOptions& o, const std::string& network,
                const std::vector<ln::BnLayerShape>& layers,
                const std::vector<ln::BnTrafficScheme>& schemes,
                const std::vector<SchemeTotals>& totals) {
  std::cout << fmt::format(
      "Off-chip traffic of the BN layers of {} in one training step, batch {} ({} BN layers, "
      "one after each conv)\n"
      "{}; per channel gamma, beta and the saved statistics included\n"
      "fp32: backward re-reads x; LightNorm: forward writes x_hat (io) and 2 argmax/argmin "
      "flag bits per element, backward reads them\n\n",
      network, o.batch, layers.size(),
      o.fused ? "fused: the statistics and the gradient sums are gathered as x and g are "
                "written (pass 1 reads nothing)"
              : "two passes per direction: statistics (or sums), then normalize (or dx), each "
                "reading its inputs");
  std::cout << fmt::format("{:<36} {:<34} {:<34} {:>6} {:>6}\n", "scheme", "x, y", "g, dx",
                           "x bits", "g bits");
  for (const auto& s : schemes)
    std::cout << fmt::format("{:<36} {:<34} {:<34} {:>6.2f} {:>6.2f}\n", s.label, s.x.label(),
                             s.g.label(), s.x.bits_per_element(), s.g.bits_per_element());
  std::cout << "\nper layer, MB (10^6 bytes): forward read/write, backward read/write\n";
  std::cout << fmt::format("{:<20} {:>15}", "layer", "N x C x H x W");
  for (const auto& s : schemes) std::cout << fmt::format(" | {:>25}", s.id);
  std::cout << "\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    std::cout << fmt::format("{:<20} {:>15}", l.name,
                             fmt::format("{}x{}x{}x{}", l.n, l.c, l.h, l.w));
    for (const auto& t : totals) {
      const auto& lt = t.layers[i];
      std::cout << fmt::format(" | {:>5.1f}/{:>5.1f} {:>5.1f}/{:>5.1f}", mb(lt.forward.read),
                               mb(lt.forward.write), mb(lt.backward.read), mb(lt.backward.write));
    }
    std::cout << "\n";
  }
  std::cout << fmt::format("\n{:<36} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}\n", "total, MB",
                           "fwd read", "fwd write", "bwd read", "bwd write", "total", "vs fp32");
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    const auto& t = totals[s].sum;
    std::cout << fmt::format("{:<36} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>8.2f}x\n",
                             schemes[s].label, mb(t.forward.read), mb(t.forward.write),
                             mb(t.backward.read), mb(t.backward.write), mb(t.total()),
                             totals[0].sum.total() / t.total());
  }
}

int run_bn_traffic(const BnTrafficOptions& o) {
  if (o.batch < 1 || o.batch > kMaxBatch)
    throw std::runtime_error(
        fmt::format("--batch {}: expected 1..{} (images per training step)", o.batch, kMaxBatch));
  const auto [network, path] = resolve_network(o.network);
  const auto net = golden::flexblock::load_network(path);
  const auto layers = bn_layers(net, o.batch);
  if (layers.empty())
    throw std::runtime_error(fmt::format(
        "network '{}' ({}) has no conv or dwconv layer, so no BN layer to count", network, path));
  const auto schemes = ln::bn_traffic_schemes();
  std::vector<SchemeTotals> totals(schemes.size());
  for (std::size_t s = 0; s < schemes.size(); ++s)
    for (const auto& l : layers) {
      const auto t = ln::bn_layer_traffic(schemes[s], l, o.fused);
      totals[s].layers.push_back(t);
      add(totals[s].sum.forward, t.forward);
      add(totals[s].sum.backward, t.backward);
    }
  if (o.json)
    print_json(o, network, layers, schemes, totals);
  else
    print_text(o, network, layers, schemes, totals);
  return 0;
}

}  // namespace

void add_bn_traffic_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "bn-traffic",
      "Off-chip bytes of a network's BN layers in training (forward and backward): fp32 BN "
      "against LightNorm's small floats and BFP");
  auto o = std::make_shared<BnTrafficOptions>();
  cmd->add_option("--network", o->network,
                  "resnet18-cifar (default), mobilenetv2 (shipped, configs/networks/) or the path "
                  "of a layer table (CSV: name,type,cin,cout,k,stride,pad,h,w); a BN layer "
                  "follows every conv and dwconv");
  cmd->add_option("--batch", o->batch, "images per training step (default 128)");
  cmd->add_flag("--fused", o->fused,
                "gather the statistics and gradient sums as x and g are written: the first "
                "pass of each direction reads nothing (both schemes)");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o, &exit_code] {
    try {
      exit_code = run_bn_traffic(*o);
    } catch (const std::exception& e) {
      exit_code = fail("bn-traffic", e.what());
    }
  });
}

}  // namespace bf::cli
