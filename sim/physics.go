package sim

import "math"

// Equipment data: a plausible small skid, sized so that a fill-and-drain
// cycle of the demo takes a few minutes.
const (
	TankHeight     = 2.5  // m, both tanks; water above it spills
	Tank1Area      = 0.25 // m² cross-section
	Tank2Area      = 0.35 // m² cross-section
	HighAlarmLevel = 2.2  // m, both tanks
	LowAlarmLevel  = 0.3  // m, both tanks
	ResetMargin    = 5.0  // K below the trip limit before a trip can be reset

	// Line Tank1 ↔ Tank2, bottom to bottom: Q = lineCoeff·sign(Δh)·√|Δh|.
	lineCoeff = 0.012 // m^2.5/s
	// Valve V1 to the reservoir: Q = valveCv·(position/100)·√h2.
	valveCv = 0.006 // m^2.5/s fully open
	// Below this head a drain flows laminar (linear in head), which keeps
	// the square root law stable at the explicit step near zero head.
	laminarHead = 0.001 // m

	// Pump P1 curve by the affinity laws: H = shutoffHead·n² − curveK·Q²,
	// against staticLift + Tank1 level (it discharges at Tank1's bottom).
	shutoffHead   = 16.0     // m at rated speed and zero flow
	staticLift    = 4.0      // m, reservoir to Tank1's bottom
	curveK        = 333333.0 // m/(m³/s)²: 6 L/s at 12 m
	bepFlow       = 0.0055   // m³/s, best-efficiency flow at rated speed
	pumpEff       = 0.65     // hydraulic efficiency
	frictionPower = 150.0    // W of disc friction and windage at rated speed, ∝ n³
	rho, gravity  = 1000.0, 9.81

	// Motor: 400 V three-phase induction motor, 1.1 kW frame.
	motorEff     = 0.85
	motorVolts   = 400.0
	powerFactor  = 0.82
	magnetising  = 0.9 // A, no-load current, in quadrature with the load current
	accelCurrent = 5.0 // A per (rated speed/s) of acceleration: the inrush on a start
	speedTau     = 0.5 // s, time constant of the motor's run-up and coast-down

	// Winding: first order toward ambient + thermalR·I².
	ambientTemp = 20.0  // °C
	thermalR    = 19.0  // K/A²: ≈66 °C at the 1.56 A of rated duty
	tauRunning  = 300.0 // s, fan-cooled
	tauStopped  = 900.0 // s, no fan

	// Instruments.
	flowNoise = 0.10 // m³/h, σ of the flow meter
	// Transmitters report at a finite resolution, as a real flow meter's
	// or vibration transmitter's Modbus registers do (0.01 m³/h, 0.01 mm/s).
	meterResolution = 0.01
	flowCutoff      = 0.30 // m³/h, the meter's low-flow cut-off
	background      = 0.10 // mm/s of vibration from the surroundings
	vibNoise        = 0.05 // mm/s, σ of the vibration sensor
	offBEPVib       = 4.0  // vibration ∝ n²·(1 + offBEPVib·|Q/Q_bep(n) − 1|): recirculation off the best-efficiency point
)

// subStep integrates one SubStep (explicit Euler). Called with p.mu held.
func (p *Plant) subStep() {
	const h = float64(SubStep) / 1e9 // s
	s, set := &p.st, &p.set

	// Level controller (auto): hysteresis between the setpoints on the
	// true level (the transmitter has no noise).
	if set.Auto {
		switch {
		case s.Tank1Level <= set.LowSetpoint:
			p.start()
		case s.Tank1Level >= set.HighSetpoint:
			s.Running = false
		}
	}

	// Motor speed (fraction of rated) runs up or coasts down.
	n := s.Speed / 100
	target := 0.0
	if s.Running {
		target = set.Speed / 100
	}
	accel := (target - n) / speedTau
	n = max(0, n+accel*h)

	// Pump flow: the operating point of the head curve against the lift.
	head := staticLift + s.Tank1Level
	qPump := 0.0
	if spare := shutoffHead*n*n - head; spare > 0 {
		qPump = math.Sqrt(spare / curveK)
	}

	// Flows between tanks and out, limited to the water there is.
	v1 := s.Tank1Level * Tank1Area
	v2 := s.Tank2Level * Tank2Area
	in := qPump * h
	line := lineCoeff * drainLaw(s.Tank1Level-s.Tank2Level) * h
	line = min(line, v1+in)
	line = max(line, -v2)
	out := valveCv * set.ValvePosition / 100 * drainLaw(s.Tank2Level) * h
	out = min(out, v2+line)
	leak := 0.0
	if p.faults.Leaking(s.Elapsed) {
		leak = min(p.faults.LeakRate/3600*h, max(0, v1+in-line))
	}
	v1 += in - line - leak
	v2 += line - out
	spill := 0.0
	if over := v1 - TankHeight*Tank1Area; over > 0 {
		spill += over
		v1 -= over
	}
	if over := v2 - TankHeight*Tank2Area; over > 0 {
		spill += over
		v2 -= over
	}
	s.Tank1Level, s.Tank2Level = v1/Tank1Area, v2/Tank2Area
	s.Pumped += in
	s.Drained += out
	s.Spilled += spill
	s.Leaked += leak
	s.Leak = leak / h * 3600
	s.Flow = qPump * 3600
	s.LineFlow = line / h * 3600
	s.Outflow = out / h * 3600

	// Motor power and current.
	shaft := rho*gravity*qPump*head/pumpEff + frictionPower*n*n*n // W
	elec := 0.0
	current := 0.0
	if s.Running {
		elec = shaft / motorEff
		load := elec / (math.Sqrt(3) * motorVolts * powerFactor)
		current = math.Hypot(magnetising, load) + accelCurrent*max(0, accel)
	}
	s.Speed = n * 100
	s.Power = elec / 1000
	s.Current = current

	// Winding temperature.
	steady, tau := ambientTemp, tauStopped
	if s.Running {
		steady, tau = ambientTemp+thermalR*current*current, tauRunning
	}
	s.WindingTemp += (steady - s.WindingTemp) * h / tau
	if s.WindingTemp > set.TripLimit && s.Running {
		s.Running = false
		s.Tripped = true
	}

	// Instruments: flow meter and vibration sensor.
	meter := s.Flow + flowNoise*p.rng.NormFloat64()
	if meter < flowCutoff {
		meter = 0
	}
	meter = quantise(meter, meterResolution)
	s.MeterFlow = meter
	s.Totaliser += meter / 3600 * h
	vib := background
	if n > 0.05 {
		offBEP := math.Abs(qPump/(n*bepFlow) - 1)
		vib += n * n * (1 + offBEPVib*offBEP + p.faults.BearingWear*s.RunHours)
	}
	s.Vibration = quantise(max(0, vib+vibNoise*p.rng.NormFloat64()), meterResolution)

	// Counters.
	if s.Running {
		s.RunHours += h / 3600
		s.EnergyWh += elec * h / 3600
	}
	s.Elapsed += SubStep
	p.alarms()
}

// drainLaw is sign(dh)·√|dh|, linear below laminarHead.
func drainLaw(dh float64) float64 {
	if math.Abs(dh) < laminarHead {
		return dh / math.Sqrt(laminarHead)
	}
	return math.Copysign(math.Sqrt(math.Abs(dh)), dh)
}

// alarms sets the level alarm bits. Called with p.mu held.
func (p *Plant) alarms() {
	s := &p.st
	s.Tank1High = s.Tank1Level >= HighAlarmLevel
	s.Tank1Low = s.Tank1Level <= LowAlarmLevel
	s.Tank2High = s.Tank2Level >= HighAlarmLevel
	s.Tank2Low = s.Tank2Level <= LowAlarmLevel
}

// starting reports whether P1 is still running up to its set speed.
func (p *Plant) starting() bool {
	return p.st.Running && p.st.Speed < 0.95*p.set.Speed
}

// noFlow reports whether P1 is up to speed but delivering under a tenth of
// its best-efficiency flow (at that speed): running against its shut-off
// head.
func (p *Plant) noFlow() bool {
	return p.st.Running && !p.starting() && p.st.Flow < 0.1*bepFlow*3600*p.st.Speed/100
}

// quantise rounds v to a multiple of step, as a transmitter's resolution does.
func quantise(v, step float64) float64 { return math.Round(v/step) * step }
