"""Study (a), FlexBlock: train the SmallResNet on Fashion-MNIST with every
conv and Linear layer's three training GEMMs in FlexBlock's bit-exact BFP
(blockforge.bfp_matmul through blockforge.torch), against fp32.

Rows: fp32 (torch's own layers: the accuracy and the epoch-time reference),
all16 / all8 / all4 (both operands of all three passes at 16/8/4 bits),
mixed (FlexBlock's schedule as `blockforge map` names it: fwd 8x8, dgrad
8x16, wgrad 16x8) and dpc (dynamic precision control, starting from all16).
Columns: test accuracy over the seeds, the fraction of training MACs run in
each mode pair (from the layers' statistics), and seconds per epoch.

    python3 -m blockforge.studies.flexblock_train [--epochs E] [--seeds 0,1,2]
        [--train-subset N] [--json out.json] [--dpc-interval N] [--dpc-low L]
        [--dpc-high H] [--dpc-start-bits B]
"""

import functools
import sys

from blockforge.studies import classifier_study, dynamic_precision

FIXED_SCHEDULES = ("all16", "all8", "all4", "mixed")


def _fp32(seed):
    return classifier_study.base_model(seed), None


def _fixed(schedule, seed):
    import blockforge.torch as bft

    model = classifier_study.base_model(seed)
    bft.convert(model, bft.Numerics.parse(schedule))
    return model, None


def _dpc(params, seed):
    import blockforge.torch as bft

    model = classifier_study.base_model(seed)
    bft.convert(model, bft.Numerics.parse("all16"))
    controller = dynamic_precision.PrecisionController(**params)
    return model, dynamic_precision.DynamicPrecisionControl(bft.quantized_layers(model),
                                                            controller)


def study_rows(dpc_params=None):
    dpc_params = dpc_params or {}
    rows = [classifier_study.Row("fp32", _fp32, "torch's nn.Conv2d / nn.Linear, fp32")]
    rows += [classifier_study.Row(s, functools.partial(_fixed, s),
                                  f"every layer's passes at Numerics.parse('{s}')")
             for s in FIXED_SCHEDULES]
    c = dynamic_precision.PrecisionController(**dpc_params)
    rows.append(classifier_study.Row(
        "dpc", functools.partial(_dpc, dpc_params),
        f"dynamic precision control per (layer, pass, operand): start {c.start_bits} bits, "
        f"zero-setting error averaged every {c.interval} iterations, step down below "
        f"{c.low:g}, up above {c.high:g}"))
    return rows


def main(argv=None):
    parser = classifier_study.make_parser(
        "Study (a), FlexBlock: BFP training of a small ResNet on Fashion-MNIST (see "
        "blockforge/studies/flexblock_train.py)", epochs=2, train_subset=4096)
    parser.add_argument("--dpc-interval", type=int,
                        default=dynamic_precision.DEFAULT_INTERVAL,
                        help="iterations N averaged per decision (default %(default)s)")
    parser.add_argument("--dpc-low", type=float, default=dynamic_precision.DEFAULT_LOW,
                        help="step down below this zero-setting error (default %(default)s)")
    parser.add_argument("--dpc-high", type=float, default=dynamic_precision.DEFAULT_HIGH,
                        help="step up above this zero-setting error (default %(default)s)")
    parser.add_argument("--dpc-start-bits", type=int,
                        default=dynamic_precision.DEFAULT_START_BITS, choices=(16, 8, 4))
    args = parser.parse_args(argv)
    try:
        rows = study_rows({"interval": args.dpc_interval, "low": args.dpc_low,
                           "high": args.dpc_high, "start_bits": args.dpc_start_bits})
    except ValueError as e:
        parser.error(str(e))
    classifier_study.run_study("FlexBlock: BFP training of a small ResNet on Fashion-MNIST",
                               rows, args, describe=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
