#!/usr/bin/env python3
"""Writes synth/cells.lib (blockforge45) from the published figures of the open
45 nm library (NanGate FreePDK45, typical corner, 1.1 V, 25 C) as tabulated in
the project's reference notes (cells-45nm.md; copied into TABLE below).

Run from the repository root:  python3 synth/tools/make_cells_lib.py > synth/cells.lib

Every number in the library is either one of the published figures below or
derived from them by the rules written into the library header (the header
is generated here too, so the rules and the numbers cannot drift apart).
"""

# cell: (area um^2, {pin: input cap fF}, (delay ps @2fF, @8fF), internal fJ, leakage nW)
TABLE = {
    "INV_X1": (0.532, {"A": 1.70023}, (14.2, 27.1), 0.97, 14.4),
    "BUF_X1": (0.798, {"A": 0.974659}, (29.8, 41.9), 2.38, 21.4),
    "NAND2_X1": (0.798, {"A1": 1.599032, "A2": 1.664199}, (19.8, 34.0), 1.53, 17.4),
    "NOR2_X1": (0.798, {"A1": 1.714471, "A2": 1.651345}, (23.6, 43.6), 1.58, 21.2),
    "AND2_X1": (1.064, {"A1": 0.918145, "A2": 0.97463}, (36.2, 49.0), 2.68, 25.1),
    "OR2_X1": (1.064, {"A1": 0.946814, "A2": 0.941939}, (42.1, 55.6), 2.65, 22.7),
    "XOR2_X1": (1.596, {"A": 2.232144, "B": 2.411453}, (54.6, 75.1), 4.28, 36.2),
    "XNOR2_X1": (1.596, {"A": 2.232754, "B": 2.573608}, (43.3, 57.3), 4.19, 36.4),
    "NAND3_X1": (1.064, {"A1": 1.590286, "A2": 1.621225, "A3": 1.650377}, (24.8, 41.3), 2.12, 18.1),
    "NOR3_X1": (1.064, {"A1": 1.763571, "A2": 1.663842, "A3": 1.616298}, (34.9, 63.2), 2.21, 26.8),
    "AOI21_X1": (1.064, {"A": 1.626352, "B1": 1.647003, "B2": 1.676853}, (30.3, 50.2), 2.62, 27.9),
    "OAI21_X1": (1.064, {"A": 1.670716, "B1": 1.66205, "B2": 1.571893}, (28.8, 50.9), 2.53, 22.6),
    "AOI22_X1": (1.33, {"A1": 1.687512, "A2": 1.689746, "B1": 1.58401, "B2": 1.623031}, (37.0, 59.3), 3.16, 32.6),
    "OAI22_X1": (1.33, {"A1": 1.671043, "A2": 1.584237, "B1": 1.665448, "B2": 1.615611}, (36.1, 58.2), 3.20, 34.0),
    "MUX2_X1": (1.862, {"A": 0.94642, "B": 0.944775, "S": 1.919942}, (58.3, 72.7), 4.08, 35.9),
    "DFF_X1": (4.522, {"D": 1.14029, "CK": 0.949653}, (90.7, 101.6), 4.23, 79.1),
    "DFFR_X1": (5.32, {"D": 1.128277, "RN": 1.778528, "CK": 0.976605}, (100.4, 112.1), 4.79, 86.2),
    "DFFS_X1": (5.32, {"D": 1.163714, "SN": 1.355893, "CK": 0.965214}, (93.0, 104.0), 4.33, 84.4),
    "FA_X1": (4.256, {"A": 3.745709, "B": 3.471985, "CI": 2.762078}, (106.5, 120.1), 3.76, 75.8),
    "HA_X1": (2.66, {"A": 3.185865, "B": 3.447793}, (55.1, 75.5), 4.39, 61.2),
    "NAND2_X2": (1.33, {"A1": 3.053103, "A2": 3.450993}, (17.1, 24.8), 3.09, 34.8),
    "INV_X4": (1.33, {"A": 6.258425}, (9.7, 14.5), 3.81, 57.4),
}

# Output pins: name -> (function, timing sense per input or None for non-unate)
COMB = {
    "INV_X1": ("INV", {"ZN": "!A"}),
    "INV_X4": ("INV_X4", {"ZN": "!A"}),
    "BUF_X1": ("BUF", {"Z": "A"}),
    "NAND2_X1": ("NAND2", {"ZN": "!(A1 & A2)"}),
    "NAND2_X2": ("NAND2_X2", {"ZN": "!(A1 & A2)"}),
    "NOR2_X1": ("NOR2", {"ZN": "!(A1 | A2)"}),
    "AND2_X1": ("AND2", {"ZN": "(A1 & A2)"}),
    "OR2_X1": ("OR2", {"ZN": "(A1 | A2)"}),
    "XOR2_X1": ("XOR2", {"Z": "(A ^ B)"}),
    "XNOR2_X1": ("XNOR2", {"ZN": "!(A ^ B)"}),
    "NAND3_X1": ("NAND3", {"ZN": "!((A1 & A2) & A3)"}),
    "NOR3_X1": ("NOR3", {"ZN": "!((A1 | A2) | A3)"}),
    "AOI21_X1": ("AOI21", {"ZN": "!(A | (B1 & B2))"}),
    "OAI21_X1": ("OAI21", {"ZN": "!(A & (B1 | B2))"}),
    "AOI22_X1": ("AOI22", {"ZN": "!((A1 & A2) | (B1 & B2))"}),
    "OAI22_X1": ("OAI22", {"ZN": "!((A1 | A2) & (B1 | B2))"}),
    "MUX2_X1": ("MUX2", {"Z": "((A & !S) | (B & S))"}),
    "FA_X1": ("FA", {"CO": "((A & B) | (CI & (A | B)))", "S": "((A ^ B) ^ CI)"}),
    "HA_X1": ("HA", {"CO": "(A & B)", "S": "(A ^ B)"}),
}
SENSE = {  # timing_sense of every arc, by output function kind
    "INV": "negative_unate", "INV_X4": "negative_unate", "BUF": "positive_unate",
    "NAND2": "negative_unate", "NAND2_X2": "negative_unate", "NOR2": "negative_unate",
    "AND2": "positive_unate", "OR2": "positive_unate", "XOR2": "non_unate",
    "XNOR2": "non_unate", "NAND3": "negative_unate", "NOR3": "negative_unate",
    "AOI21": "negative_unate", "OAI21": "negative_unate", "AOI22": "negative_unate",
    "OAI22": "negative_unate", "MUX2": "non_unate", "FA": "non_unate", "HA": "non_unate",
}
DESCR = {
    "INV": "inverter", "INV_X4": "inverter, 4x drive", "BUF": "buffer",
    "NAND2": "2-input NAND", "NAND2_X2": "2-input NAND, 2x drive", "NOR2": "2-input NOR",
    "AND2": "2-input AND", "OR2": "2-input OR", "XOR2": "2-input XOR", "XNOR2": "2-input XNOR",
    "NAND3": "3-input NAND", "NOR3": "3-input NOR", "AOI21": "AND-OR-invert 2-1",
    "OAI21": "OR-AND-invert 2-1", "AOI22": "AND-OR-invert 2-2", "OAI22": "OR-AND-invert 2-2",
    "MUX2": "2:1 multiplexer, S = 1 selects B", "FA": "full adder", "HA": "half adder",
}
SEQ = {
    "DFF_X1": ("DFF", None, "positive-edge D flip-flop, no reset"),
    "DFFR_X1": ("DFFR", ("RN", "clear"), "positive-edge D flip-flop, async active-low reset to 0"),
    "DFFS_X1": ("DFFS", ("SN", "preset"), "positive-edge D flip-flop, async active-low set to 1"),
}

SLEW = [0.005, 0.02, 0.08, 0.2]  # ns, input transition index
LOAD = [0.5, 2.0, 8.0, 32.0]     # fF, output load index
SLEW_DELAY = 0.25                # ps of delay per ps of input transition above 20 ps (assumed)
SLEW_TRAN = 0.10                 # ps of output transition per ps of input transition (assumed)
TRAN_0 = 4.0                     # ps, output transition at no load (assumed)
CLOCK_PIN_FJ = (1.2, 0.6)        # fJ, flop CK pin internal energy per rising / falling clock edge (assumed)
SETUP = ([0.001, 0.2], [0.030, 0.055])  # ns over D transition (published range)
HOLD = ([0.001, 0.2], [0.002, 0.020])   # ns over D transition (published range)


def slope(d):
    return (d[1] - d[0]) / 6.0  # ps per fF = kOhm


def delay_ns(d, s, c):
    return max(0.001, (d[0] + slope(d) * (c - 2.0) + SLEW_DELAY * (s * 1000 - 20.0)) / 1000.0)


def tran_ns(d, s, c):
    return max(0.002, (TRAN_0 + 2.0 * slope(d) * c + SLEW_TRAN * (s * 1000 - 20.0)) / 1000.0)


def table(kind, fn, d):
    rows = ", \\\n            ".join(
        '"' + ", ".join(f"{fn(d, s, c):.4f}" for c in LOAD) + '"' for s in SLEW)
    return f"{kind} (delay_4x4) {{\n          values ({rows});\n        }}"


def energy_table(kind, e):
    return f"{kind} (energy_1x1) {{ values (\"{e:.3f}\"); }}"


def out(s=""):
    print(s)


def header():
    out("""/*
 * blockforge45: the cell library of blockforge's area, timing and power
 * flows (synth/). GENERATED by synth/tools/make_cells_lib.py; edit that.
 *
 * Written for this project, NOT a foundry library. Its figures follow the
 * published typical-corner characterization of the NanGate FreePDK45 Open
 * Cell Library (1.1 V, 25 C) as tabulated in the project reference
 * (cells-45nm.md), so that area, delay and energy are realistic for 45 nm and
 * comparable between designs and sweeps. It is a pre-layout library: no wire
 * load model, no placement, buffering or sizing.
 *
 * Names: the X1 (minimum drive) cells drop their _X1 suffix (INV, NAND2,
 * ..., DFFR); the stronger cells keep theirs (NAND2_X2, INV_X4). Pin names
 * follow the NanGate cells.
 *
 * Where each number comes from:
 *   area                 published (cells-45nm.md), um^2.
 *   pin capacitance      published input capacitance of each pin, fF.
 *   cell_leakage_power   published state-averaged leakage, nW.
 *   cell_rise/cell_fall  published delay d2 / d8 (worst arc, mean of rise
 *                        and fall, at 20 ps input transition and 2 / 8 fF),
 *                        extended linearly: d(s, C) = d2 + (d8 - d2) / 6 *
 *                        (C - 2 fF) + 0.25 * (s - 20 ps). The load slope is
 *                        published; the input-transition slope 0.25 is an
 *                        ASSUMPTION (typical of the NanGate tables). Every
 *                        input-to-output arc of a cell gets its worst-arc
 *                        delay, and rise = fall = the published mean.
 *   rise/fall_transition DERIVED: t(s, C) = 4 ps + 2 * R * C + 0.1 * (s -
 *                        20 ps) with R = (d8 - d2) / 6 ps/fF, the cell's
 *                        published drive resistance (kOhm); the 4 ps and the
 *                        0.1 are ASSUMPTIONS.
 *   internal_power       published internal energy per output transition
 *                        (fJ, mean of rise and fall at 20 ps and 4 fF), used
 *                        for every arc, both edges, every transition and
 *                        load (one-point tables). Values are energies in
 *                        capacitive_load_unit x voltage_unit^2 = fJ.
 *   flip-flop CK pin     ASSUMPTION, not in the reference: 1.2 fJ per rising
 *                        and 0.6 fJ per falling clock edge, drawn every
 *                        cycle whether or not Q changes (blockforge power
 *                        reports this clock energy on its own line).
 *   clock-to-Q           published delay of the flop (CK -> Q arc).
 *   RN -> Q, SN -> Q     ASSUMPTION: the flop's clock-to-Q delay.
 *   setup / hold         published ranges over 1-200 ps D transitions:
 *                        setup 30 -> 55 ps, hold 2 -> 20 ps.
 *   FA, HA               published area, capacitance, worst-arc delay,
 *                        energy and leakage; both outputs (S, CO) get them.
 *                        ABC does not map onto multi-output cells: they are
 *                        here for libraries-with-adders flows and timing.
 *
 * Index ranges: input transition 5-200 ps, output load 0.5-32 fF; OpenSTA
 * extrapolates linearly outside. Units: ns, fF, V, nW, fJ (energy tables).
 *
 * Flip-flops are positive-edge triggered. Generated RTL uses
 * always @(posedge clk_i or negedge rst_ni) with reset values 0 or 1:
 *   DFF  - no reset
 *   DFFR - asynchronous active-low reset RN, Q = 0 while RN = 0
 *   DFFS - asynchronous active-low set SN,   Q = 1 while SN = 0
 * Clock enables and synchronous resets are built from logic (MUX2 etc.).
 */""")


def library_head():
    out("""library (blockforge45) {
  delay_model : table_lookup;
  time_unit : "1ns";
  voltage_unit : "1V";
  current_unit : "1mA";
  pulling_resistance_unit : "1kohm";
  leakage_power_unit : "1nW";
  capacitive_load_unit (1, ff);
  nom_process : 1;
  nom_voltage : 1.1;
  nom_temperature : 25;
  operating_conditions (typical) { process : 1; voltage : 1.1; temperature : 25; }
  default_operating_conditions : typical;
  input_threshold_pct_rise : 50;
  input_threshold_pct_fall : 50;
  output_threshold_pct_rise : 50;
  output_threshold_pct_fall : 50;
  slew_lower_threshold_pct_rise : 30;
  slew_lower_threshold_pct_fall : 30;
  slew_upper_threshold_pct_rise : 70;
  slew_upper_threshold_pct_fall : 70;
  slew_derate_from_library : 1;
  default_max_transition : 0.5;
  default_input_pin_cap : 1;
  default_output_pin_cap : 0;
  default_inout_pin_cap : 1;
  default_leakage_power_density : 0;
  default_cell_leakage_power : 0;
  default_fanout_load : 1;

  lu_table_template (delay_4x4) {
    variable_1 : input_net_transition;
    variable_2 : total_output_net_capacitance;
    index_1 ("%s");
    index_2 ("%s");
  }
  lu_table_template (constraint_2) {
    variable_1 : constrained_pin_transition;
    index_1 ("%s");
  }
  power_lut_template (energy_1x1) {
    variable_1 : input_transition_time;
    variable_2 : total_output_net_capacitance;
    index_1 ("0.02");
    index_2 ("4");
  }
  power_lut_template (energy_1) {
    variable_1 : input_transition_time;
    index_1 ("0.02");
  }
""" % (", ".join(f"{s:g}" for s in SLEW), ", ".join(f"{c:g}" for c in LOAD),
       ", ".join(f"{s:g}" for s in SETUP[0])))


def arc(related, sense, d, timing_type=None, edges=("cell_rise", "cell_fall", "rise_transition", "fall_transition")):
    lines = [f"      timing () {{", f"        related_pin : \"{related}\";"]
    if timing_type:
        lines.append(f"        timing_type : {timing_type};")
    lines.append(f"        timing_sense : {sense};")
    for kind in edges:
        fn = delay_ns if kind.startswith("cell") else tran_ns
        lines.append("        " + table(kind, fn, d))
    lines.append("      }")
    return "\n".join(lines)


def power(related, e):
    return ("      internal_power () {\n"
            f"        related_pin : \"{related}\";\n"
            f"        {energy_table('rise_power', e)}\n"
            f"        {energy_table('fall_power', e)}\n"
            "      }")


def comb_cell(src):
    area, caps, d, e, leak = TABLE[src]
    name, outs = COMB[src]
    out(f"  /* {DESCR[name]} ({src}) */")
    out(f"  cell ({name}) {{")
    out(f"    area : {area:.3f};")
    out(f"    cell_leakage_power : {leak};")
    for pin, cap in caps.items():
        out(f"    pin ({pin}) {{ direction : input; capacitance : {cap}; }}")
    for pin, fn in outs.items():
        out(f"    pin ({pin}) {{")
        out(f"      direction : output;")
        out(f"      function : \"{fn}\";")
        for inp in caps:
            out(arc(inp, SENSE[name], d))
        for inp in caps:
            out(power(inp, e))
        out("    }")
    out("  }\n")


def seq_cell(src):
    area, caps, d, e, leak = TABLE[src]
    name, async_pin, descr = SEQ[src]
    ffline = 'next_state : "D"; clocked_on : "CK";'
    if async_pin:
        ffline += f' {async_pin[1]} : "!{async_pin[0]}";'
    out(f"  /* {descr} ({src}) */")
    out(f"  cell ({name}) {{")
    out(f"    area : {area:.3f};")
    out(f"    cell_leakage_power : {leak};")
    out(f"    ff (IQ, IQN) {{ {ffline} }}")
    out(f"    pin (D) {{")
    out(f"      direction : input;")
    out(f"      capacitance : {caps['D']};")
    for ttype, (idx, vals) in (("setup_rising", SETUP), ("hold_rising", HOLD)):
        v = ", ".join(f"{x:g}" for x in vals)
        out(f"      timing () {{")
        out(f"        related_pin : \"CK\";")
        out(f"        timing_type : {ttype};")
        out(f"        rise_constraint (constraint_2) {{ values (\"{v}\"); }}")
        out(f"        fall_constraint (constraint_2) {{ values (\"{v}\"); }}")
        out(f"      }}")
    out("    }")
    if async_pin:
        out(f"    pin ({async_pin[0]}) {{ direction : input; capacitance : {caps[async_pin[0]]}; }}")
    out(f"    pin (CK) {{")
    out(f"      direction : input;")
    out(f"      clock : true;")
    out(f"      capacitance : {caps['CK']};")
    out(f"      internal_power () {{")
    out(f"        rise_power (energy_1) {{ values (\"{CLOCK_PIN_FJ[0]}\"); }}")
    out(f"        fall_power (energy_1) {{ values (\"{CLOCK_PIN_FJ[1]}\"); }}")
    out(f"      }}")
    out("    }")
    for pin, fn in (("Q", "IQ"), ("QN", "IQN")):
        out(f"    pin ({pin}) {{")
        out(f"      direction : output;")
        out(f"      function : \"{fn}\";")
        out(arc("CK", "non_unate", d, "rising_edge"))
        if async_pin:
            # clear pulls Q low (QN high), preset pulls Q high (QN low).
            q_falls = (async_pin[1] == "clear") == (pin == "Q")
            edges = ("cell_fall", "fall_transition") if q_falls else ("cell_rise", "rise_transition")
            sense = "positive_unate" if q_falls else "negative_unate"
            out(arc(async_pin[0], sense, d, async_pin[1], edges))
        out(power("CK", e))
        out("    }")
    out("  }\n")


def main():
    header()
    library_head()
    for src in COMB:
        comb_cell(src)
    for src in SEQ:
        seq_cell(src)
    out("}")


if __name__ == "__main__":
    main()
