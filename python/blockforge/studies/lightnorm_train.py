"""Study (b), LightNorm: the SmallResNet of study (a) trained on
Fashion-MNIST with its BatchNorm2d layers replaced by range BN
(blockforge.torch.batchnorm.RangeBatchNorm2d: the golden forward and
backward of golden/lightnorm/range_bn_tensor.hpp, bit-exact with the
lightnorm.bn_fwd / bn_bwd units) in LightNorm's formats, against fp32 BN.

Rows:
  bn-fp32            torch's nn.BatchNorm2d (the reference)
  rangebn-fp32       range BN with every format fp32, no BFP: range BN's own
                     effect, without low-bit formats
  rangebn-fp10       fp10 1-5-4 forward (x, gamma, x_hat, y), fp10 1-6-3
                     gradients, fp32 statistics, no BFP
  rangebn-fp10-bfp   the same plus LightNorm's channel-group BFP (keep_max:
                     elements at a group's largest exponent kept whole)
  rangebn-fp10-bfp-gemm-mixed  the previous row with the conv/Linear GEMMs
                     in FlexBlock BFP, schedule mixed (LightNorm's BN inside
                     a BFP training pipeline, as the paper pairs them)

    python3 -m blockforge.studies.lightnorm_train [--epochs E] [--seeds 0,1,2]
        [--train-subset N] [--json out.json]

Besides the usual eval-mode accuracy (BN by its running statistics), each
row is also evaluated with every BN normalizing by the statistics of its test
batch (400 images): where the two differ, the loss is in the running
statistics used at inference, not in what training learned.
"""

import functools
import sys

from torch import nn

from blockforge.studies import classifier_study

# RangeBatchNorm2d parameters of each range-BN row, by the names of
# `blockforge bn-error` / lightnorm.bn_fwd.
RANGE_BN_ROWS = {
    "rangebn-fp32": dict(io="fp32", grad="fp32", stat="fp32", norm="fp32", bfp="none"),
    "rangebn-fp10": dict(io="fp10_e5m4", grad="fp10_e6m3", bfp="none"),
    "rangebn-fp10-bfp": dict(io="fp10_e5m4", grad="fp10_e6m3", bfp="keep_max"),
}
GEMM_ROW = ("rangebn-fp10-bfp-gemm-mixed", "rangebn-fp10-bfp", "mixed")


def replace_batchnorm(module, **params):
    """Replaces every nn.BatchNorm2d below module, in place, by
    RangeBatchNorm2d.from_batchnorm(bn, **params); returns how many."""
    from blockforge.torch.batchnorm import RangeBatchNorm2d

    replaced = 0
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d):
            setattr(module, name, RangeBatchNorm2d.from_batchnorm(child, **params))
            replaced += 1
        else:
            replaced += replace_batchnorm(child, **params)
    return replaced


def _batchnorm(seed):
    return classifier_study.base_model(seed), None


def _range_bn(params, schedule, seed):
    model = classifier_study.base_model(seed)
    if replace_batchnorm(model, **params) == 0:
        raise RuntimeError("the model has no BatchNorm2d to replace")
    if schedule:
        import blockforge.torch as bft

        bft.convert(model, bft.Numerics.parse(schedule))
    return model, None


def study_rows():
    rows = [classifier_study.Row("bn-fp32", _batchnorm, "torch's nn.BatchNorm2d",
                                 batch_statistics=True)]
    for name, params in RANGE_BN_ROWS.items():
        text = ", ".join(f"{k}={v}" for k, v in params.items())
        rows.append(classifier_study.Row(name, functools.partial(_range_bn, params, None),
                                         f"RangeBatchNorm2d({text})", batch_statistics=True))
    name, base, schedule = GEMM_ROW
    rows.append(classifier_study.Row(
        name, functools.partial(_range_bn, RANGE_BN_ROWS[base], schedule),
        f"{base} with conv/Linear GEMMs in BFP, schedule {schedule}", batch_statistics=True))
    return rows


def main(argv=None):
    parser = classifier_study.make_parser(
        "Study (b), LightNorm: range BN in fp10 formats with and without BFP against fp32 BN "
        "(see blockforge/studies/lightnorm_train.py)", epochs=2, train_subset=4096)
    args = parser.parse_args(argv)
    classifier_study.run_study("LightNorm: range BN in low-bit floats, SmallResNet on "
                               "Fashion-MNIST", study_rows(), args, describe=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
