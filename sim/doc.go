// Package sim is Sightglass's embedded demo plant: a small mechanistic
// process model served over real Modbus TCP.
//
// The plant is two open tanks joined at the bottom by a line. Pump P1 lifts
// water from a reservoir into Tank1; Tank2 drains back to the reservoir
// through the outflow valve V1. Levels follow from mass balance, the pump's
// flow from its head curve against the static lift plus Tank1's level, the
// motor current from the shaft power (with an acceleration inrush on
// start), the winding temperature from a first-order thermal model, and the
// vibration from speed and distance from the best-efficiency point. A level
// controller in auto mode starts and stops the pump between two writable
// setpoints; the pump trips when its winding overheats.
//
// The model is deterministic: [New] takes a seed for the measurement noise
// (flow meter and vibration only), and [Plant.Step] advances it in fixed
// sub-steps, so a run depends only on the total time stepped and the
// commands given, never on how the time was sliced.
//
// [Plant.SetFaults] injects faults for analytic models to catch, none by
// default: a bearing whose vibration rises with P1's run hours and a leak
// from Tank1 through no meter, once or now and then ([DemoFaults] are the
// embedded demo's).
//
// [Listen] and [Serve] put a plant on Modbus TCP with a real-time ticker;
// [Registers] is the register map, documented in REGISTERS.md.
package sim
