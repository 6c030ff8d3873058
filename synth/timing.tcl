# Static timing of a mapped gate-level netlist with OpenSTA (blockforge
# timing). A template: synth/timing.cpp fills in the placeholders (files, top,
# clock, the named constraint defaults of synth/timing.hpp) and runs
#   sta -no_splash -exit timing.tcl
# in the work directory; that command reproduces the run.
#
# Constraints (synth/README.md, "Timing"): one clock on the clock port (or a
# virtual clock for a design without one: its input-to-output paths are then
# timed against the period), ideal (no clock tree: zero latency and skew),
# with a fixed transition. Every other input arrives INPUT_DELAY after the
# clock edge with INPUT_TRANSITION, and every output must be stable
# OUTPUT_DELAY before the next edge while driving OUTPUT_LOAD: the design's
# neighbours are assumed to register its ports. No wire-load model: a net's
# load is the sum of the pin capacitances on it.
#
# Machine-readable results are the lines starting with "bf_result"; the
# worst path is written, as OpenSTA prints it, to path.txt.

set_cmd_units -time ns -capacitance fF
read_liberty {@LIBERTY@}
read_verilog {@NETLIST@}
link_design {@TOP@}
puts "bf_result linked 1"

set clock_port {@CLOCK_PORT@}
if {$clock_port ne ""} {
  create_clock -name clk -period @PERIOD_NS@ [get_ports $clock_port]
  set_clock_transition @CLOCK_TRANSITION_NS@ [get_clocks clk]
  set data_inputs [delete_from_list [all_inputs] [get_ports $clock_port]]
} else {
  create_clock -name clk -period @PERIOD_NS@
  set data_inputs [all_inputs]
}
set_input_delay @INPUT_DELAY_NS@ -clock clk $data_inputs
set_input_transition @INPUT_TRANSITION_NS@ $data_inputs
set_output_delay @OUTPUT_DELAY_NS@ -clock clk [all_outputs]
set_load @OUTPUT_LOAD_FF@ [all_outputs]
write_sdc constraints.sdc

puts "bf_result endpoints [llength [sta::endpoints]]"

# The worst path: its slack, and the arrival at its endpoint.
set worst [find_timing_paths -path_delay max -group_count 1 -endpoint_count 1]
if {[llength $worst] == 0} {
  puts "bf_result paths 0"
} else {
  set pe [lindex $worst 0]
  puts "bf_result paths 1"
  puts "bf_result worst_slack [get_property $pe slack]"
  set points [get_property $pe points]
  puts "bf_result arrival [get_property [lindex $points end] arrival]"
  puts "bf_result startpoint [get_full_name [get_property $pe startpoint]]"
  puts "bf_result endpoint [get_full_name [get_property $pe endpoint]]"
}

# Failing endpoints (slack < 0) and their total slack (TNS).
set failing 0
set tns 0.0
foreach pe [find_timing_paths -path_delay max -group_count 100000000 -endpoint_count 1 -slack_max 0] {
  set s [get_property $pe slack]
  if {$s < 0} {
    incr failing
    set tns [expr {$tns + $s}]
  }
}
puts "bf_result failing_endpoints $failing"
puts "bf_result tns $tns"

report_checks -path_delay max -format full -digits 4 -fields {slew cap input_pins nets fanout} > path.txt
puts "bf_result done 1"
