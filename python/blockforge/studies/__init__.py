"""blockforge.studies: the accuracy studies of the three accelerators' papers,
run with the bit-exact arithmetic of blockforge.torch (issue 12, part 3).

Each study is a command printing a markdown table (and --json for every
number):

  python3 -m blockforge.studies.flexblock_train   (a) FlexBlock BFP training:
      SmallResNet on Fashion-MNIST, fp32 vs all16/all8/all4/mixed and
      dynamic precision control; accuracy, MACs per mode, seconds per epoch
  python3 -m blockforge.studies.lightnorm_train   (b) LightNorm: range BN in
      fp10 formats with/without channel-group BFP vs fp32 BN
  python3 -m blockforge.studies.opal_lm           (c) OPAL: a character
      transformer's perplexity with bf16 / MXINT / MX-OPAL activations and
      the log2 softmax; outlier channels measured and, seeded, injected
  python3 -m blockforge.studies.zebra_attack      ZeBRA against BFA (issue 13):
      bit flips in an int8 SmallResNet's weights, flips to random guessing

Building blocks: data (Fashion-MNIST IDX reader, fortunes corpus), models
(SmallResNet, CharTransformer), training, dynamic_precision (FlexBlock's
zero-setting-error controller), log2_softmax (opal.softmax on tensors),
activation_outliers (per-channel profile, seeded injection, activation-only
quantizers), int8_weights / bit_flip_attack / zebra_distill (the attacks'
victim, BFA's progressive bit search, ZeBRA's distilled data), tables. Needs python3-torch; imports nothing heavy at package
import.
"""
