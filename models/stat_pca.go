package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Multivariate anomaly detection by principal component analysis
// (Jackson, A User's Guide to Principal Components, 1991; MacGregor &
// Kourti, Statistical process control of multivariate processes, 1995).
//
// Train standardises each input by its mean and sample standard deviation
// (n−1), takes the correlation matrix R of the standardised rows, and its
// eigen-decomposition R = V·Λ·Vᵀ (λ1 ≥ λ2 ≥ …); it keeps the first k
// columns P of V. For a new sample with standardised vector z:
//
//	t   = Pᵀz                           scores
//	T²  = Σ_{j≤k} t_j²/λ_j              Hotelling's T²
//	SPE = ‖z − P·t‖²                    Q statistic, the squared residual
//
// with limits at significance α (Tracy, Young & Mason 1992 for T² of a
// new observation; Jackson & Mudholkar 1979 for SPE):
//
//	T²_lim = k(n−1)(n+1)/(n(n−k)) · F_{1−α}(k, n−k)
//	θ_i = Σ_{j>k} λ_j^i,  h0 = 1 − 2θ1θ3/(3θ2²)
//	SPE_lim = θ1·[c_α·sqrt(2θ2h0²)/θ1 + 1 + θ2h0(h0−1)/θ1²]^(1/h0)
//
// where c_α is the standard normal 1−α quantile. When h0 ≤ 0 or the bracket
// is not positive, SPE_lim falls back to Box's (1954) approximation
// g·χ²_{1−α}(h) with g = θ2/θ1, h = θ1²/θ2. When every component is kept
// (k = m) the residual space is empty and SPE_lim = 0.
func init() {
	in := make([]Port, pcaMaxInputs)
	for i := range in {
		in[i] = Port{Name: "x" + strconv.Itoa(i+1), Optional: true, Doc: "a process variable (at least 2 bound)"}
	}
	Register(&Kind{
		Name:   "pca",
		Doc:    "multivariate anomaly detection by PCA: Hotelling's T² and SPE (Q) with their limits",
		Inputs: in,
		Outputs: []Port{
			{Name: "t2", Doc: "Hotelling's T² in the k-component model"},
			{Name: "t2_limit", Doc: "k(n−1)(n+1)/(n(n−k))·F_{1−α}(k, n−k)"},
			{Name: "spe", Doc: "squared prediction error (Q) of the standardised sample"},
			{Name: "spe_limit", Doc: "Jackson–Mudholkar limit (Box's approximation when it does not apply)"},
			{Name: "alarm", Bool: true, Doc: "t2 > t2_limit or spe > spe_limit"},
		},
		Params: []Param{
			{Name: "components", Default: 0, Min: 0, Max: pcaMaxInputs, Doc: "k components kept; 0: the fewest explaining the variance fraction"},
			{Name: "variance", Default: 0.9, Min: 0.01, Max: 1, Doc: "fraction of the variance the kept components explain when components is 0"},
			{Name: "alpha", Default: 0.01, Min: 1e-9, Max: 0.5, Doc: "significance level of both limits"},
		},
		New: newPCA,
	})
}

// pcaMaxInputs is how many input ports the pca kind declares.
const pcaMaxInputs = 20

// pcaState is what Train learns; it is the model, stored as JSON.
type pcaState struct {
	Width    int       `json:"width"`    // columns in the training rows
	Use      []int     `json:"use"`      // columns in the model (non-constant), ascending
	Mean     []float64 `json:"mean"`     // per used column
	Std      []float64 `json:"std"`      // per used column, sample (n−1)
	K        int       `json:"k"`        // components kept
	Lambda   []float64 `json:"lambda"`   // all eigenvalues of R, descending
	P        []float64 `json:"p"`        // loadings, len(Use)×K row-major
	N        int       `json:"n"`        // training rows
	T2Limit  float64   `json:"t2_limit"` //
	SPELimit float64   `json:"spe_limit"`
	SPEBox   bool      `json:"spe_box,omitempty"` // SPELimit is Box's approximation
}

type pca struct {
	components int
	variance   float64
	alpha      float64

	st      *pcaState // nil until trained or loaded
	invLam  []float64 // 1/λ_j for the kept components
	z, t, r []float64 // scratch for Eval
	cols    []int     // scratch: input positions of the model's columns
}

func newPCA(p Params) (Instance, error) {
	c := p["components"]
	if c < 0 || c != math.Trunc(c) || c > pcaMaxInputs {
		return nil, fmt.Errorf("pca: components %v must be a whole number 0…%d", c, pcaMaxInputs)
	}
	if !(p["variance"] > 0 && p["variance"] <= 1) {
		return nil, fmt.Errorf("pca: variance %v not in (0, 1]", p["variance"])
	}
	if !(p["alpha"] > 0 && p["alpha"] < 1) {
		return nil, fmt.Errorf("pca: alpha %v not in (0, 1)", p["alpha"])
	}
	return &pca{components: int(c), variance: p["variance"], alpha: p["alpha"]}, nil
}

// Train fits the model to rows of the inputs. The rows hold either only
// the bound inputs, in port order, or all 20 ports (then unbound columns
// must be constant, and are dropped like any constant column).
func (m *pca) Train(rows [][]float64) ([]byte, error) {
	st, err := m.fit(rows)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	m.set(st)
	return b, nil
}

func (m *pca) fit(rows [][]float64) (*pcaState, error) {
	n := len(rows)
	if n < 3 {
		return nil, fmt.Errorf("pca: training needs at least 3 rows, got %d", n)
	}
	w := len(rows[0])
	for i, r := range rows {
		if len(r) != w {
			return nil, fmt.Errorf("pca: training row %d has %d values, row 0 has %d", i, len(r), w)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("pca: training row %d column %d is %v", i, j, v)
			}
		}
	}
	st := &pcaState{Width: w, N: n}
	// Mean and sample standard deviation per column (two-pass).
	for j := 0; j < w; j++ {
		var s float64
		for _, r := range rows {
			s += r[j]
		}
		mean := s / float64(n)
		var ss float64
		for _, r := range rows {
			d := r[j] - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(n-1))
		if sd <= 1e-12*math.Max(1, math.Abs(mean)) {
			continue // constant: no information, and unbound when w is 20
		}
		st.Use = append(st.Use, j)
		st.Mean = append(st.Mean, mean)
		st.Std = append(st.Std, sd)
	}
	p := len(st.Use)
	if p < 2 {
		return nil, fmt.Errorf("pca: needs at least 2 varying inputs, the training rows have %d", p)
	}
	// Correlation matrix of the standardised rows.
	zs := mat.NewDense(n, p, nil)
	for i, r := range rows {
		for c, j := range st.Use {
			zs.Set(i, c, (r[j]-st.Mean[c])/st.Std[c])
		}
	}
	cov := mat.NewSymDense(p, nil)
	cov.SymOuterK(1/float64(n-1), zs.T())
	var es mat.EigenSym
	if !es.Factorize(cov, true) {
		return nil, errors.New("pca: eigen-decomposition did not converge")
	}
	vals := es.Values(nil) // ascending
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	order := make([]int, p)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	st.Lambda = make([]float64, p)
	var total float64
	for i, o := range order {
		st.Lambda[i] = math.Max(vals[o], 0) // rounding can give −1e−16
		total += st.Lambda[i]
	}
	// Components that can be kept: λ not negligible, and n−k ≥ 1 for F.
	usable := 0
	for _, l := range st.Lambda {
		if l > 1e-10*total {
			usable++
		}
	}
	usable = min(usable, n-1)
	k := m.components
	if k == 0 {
		var cum float64
		for k < usable {
			cum += st.Lambda[k]
			k++
			if cum >= m.variance*total*(1-1e-12) {
				break
			}
		}
	}
	if k > usable {
		return nil, fmt.Errorf("pca: %d components asked, the data support %d", k, usable)
	}
	st.K = k
	st.P = make([]float64, p*k)
	for i := 0; i < p; i++ {
		for c := 0; c < k; c++ {
			st.P[i*k+c] = vecs.At(i, order[c])
		}
	}
	fk, fn := float64(k), float64(n)
	st.T2Limit = fk * (fn - 1) * (fn + 1) / (fn * (fn - fk)) * distuv.F{D1: fk, D2: fn - fk}.Quantile(1-m.alpha)
	st.SPELimit, st.SPEBox = speLimit(st.Lambda[k:], m.alpha)
	return st, nil
}

// speLimit is the SPE (Q) limit at significance alpha for the residual
// eigenvalues res: Jackson–Mudholkar, or Box's approximation (box true)
// when Jackson–Mudholkar's h0 or bracket is not positive.
func speLimit(res []float64, alpha float64) (limit float64, box bool) {
	var th1, th2, th3 float64
	for _, l := range res {
		th1 += l
		th2 += l * l
		th3 += l * l * l
	}
	if th1 <= 0 || th2 <= 0 {
		return 0, false
	}
	h0 := 1 - 2*th1*th3/(3*th2*th2)
	c := distuv.UnitNormal.Quantile(1 - alpha)
	base := c*math.Sqrt(2*th2*h0*h0)/th1 + 1 + th2*h0*(h0-1)/(th1*th1)
	if h0 > 0 && base > 0 {
		return th1 * math.Pow(base, 1/h0), false
	}
	g, h := th2/th1, th1*th1/th2
	return g * distuv.ChiSquared{K: h}.Quantile(1-alpha), true
}

func (m *pca) set(st *pcaState) {
	m.st = st
	p := len(st.Use)
	m.invLam = make([]float64, st.K)
	for c := range m.invLam {
		m.invLam[c] = 1 / st.Lambda[c]
	}
	m.z, m.t, m.r = make([]float64, p), make([]float64, st.K), make([]float64, p)
	m.cols = make([]int, 0, pcaMaxInputs)
}

// Load restores a model from Train's state.
func (m *pca) Load(state []byte) error {
	var st pcaState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("pca: state: %w", err)
	}
	p := len(st.Use)
	if p < 2 || len(st.Mean) != p || len(st.Std) != p || st.K < 1 || st.K > p ||
		len(st.Lambda) != p || len(st.P) != p*st.K || st.Width < p {
		return fmt.Errorf("pca: state is inconsistent (%d columns, k %d)", p, st.K)
	}
	for c := 0; c < st.K; c++ {
		if !(st.Lambda[c] > 0) {
			return fmt.Errorf("pca: state has eigenvalue %v for kept component %d", st.Lambda[c], c+1)
		}
	}
	m.set(&st)
	return nil
}

// Trained reports whether the model has been trained or loaded.
func (m *pca) Trained() bool { return m.st != nil }

// Eval scores the bound inputs against the model: t2, t2_limit, spe,
// spe_limit, alarm.
func (m *pca) Eval(_ time.Time, in []Input) ([]float64, error) {
	st := m.st
	if st == nil {
		return nil, fmt.Errorf("pca: %w", ErrNotTrained)
	}
	// Map the model's columns to input positions: the bound inputs in
	// order, or every port when the model was trained on all of them.
	m.cols = m.cols[:0]
	for i, v := range in {
		if v.Bound {
			m.cols = append(m.cols, i)
		}
	}
	if len(m.cols) != st.Width {
		if st.Width != len(in) {
			return nil, fmt.Errorf("pca: %d inputs bound, the model was trained on %d", len(m.cols), st.Width)
		}
		m.cols = m.cols[:0]
		for i := range in {
			m.cols = append(m.cols, i)
		}
	}
	p, k := len(st.Use), st.K
	z, t, r := m.z, m.t, m.r
	for c, j := range st.Use {
		pos := m.cols[j]
		v := in[pos].V
		if !in[pos].Good || math.IsNaN(v) || math.IsInf(v, 0) {
			_, err := needGood(in, pos, "x"+strconv.Itoa(pos+1)) // builds the message
			return nil, fmt.Errorf("pca: %w", err)
		}
		z[c] = (v - st.Mean[c]) / st.Std[c]
	}
	for c := range t {
		t[c] = 0
	}
	for i := 0; i < p; i++ {
		row := st.P[i*k : i*k+k]
		for c, pv := range row {
			t[c] += pv * z[i]
		}
	}
	var t2 float64
	for c, tv := range t {
		t2 += tv * tv * m.invLam[c]
	}
	var spe float64
	for i := 0; i < p; i++ {
		row := st.P[i*k : i*k+k]
		ri := z[i]
		for c, pv := range row {
			ri -= pv * t[c]
		}
		r[i] = ri
		spe += ri * ri
	}
	// A residual of rounding size is not an excursion when SPE_lim is 0.
	alarm := t2 > st.T2Limit || spe > st.SPELimit+1e-9*float64(p)
	return []float64{t2, st.T2Limit, spe, st.SPELimit, boolf(alarm)}, nil
}
