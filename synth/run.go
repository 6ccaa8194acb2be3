package synth

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// minRows is the smallest source synth works on: below it the evaluation
// halves are too small to say anything.
const minRows = 20

// maxTANClasses: a Categorical target with at most this many distinct
// values becomes a parent of every column (target-augmented tree); larger
// targets are a node of a plain tree whose pairs weigh double.
const maxTANClasses = 10

// targetWeight is how much more a pair with the target counts when a plain
// tree is selected.
const targetWeight = 2

// Random streams derived from the seed, one per purpose, so that changing
// one step does not shift another's noise.
const (
	streamRelease = iota + 1
	streamSplit
	streamEval
)

// Run synthesizes o.From under differential privacy, scores the result and,
// if o.Into is set and every threshold is met, writes it and records the
// release in the ledger. The report is returned in every case where scores
// were computed: with a *ThresholdError when a threshold was missed (nothing
// written), and nil error when the table was released (or only evaluated,
// with o.Into empty).
//
// The epsilon budget is checked before any row of the source is read.
func Run(ctx context.Context, sess *lakesql.Session, o Options) (*Report, error) {
	start := time.Now()
	if err := o.validate(); err != nil {
		return nil, err
	}
	ns, name, _ := parseTable(o.From)
	source := displayName(ns, name)
	wh := sess.Warehouse()
	tbl, err := wh.Table(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: %w", source, err)
	}
	snap := tbl.Iceberg().CurrentSnapshot()
	if snap == nil {
		return nil, fmt.Errorf("%w: %s has no rows (no snapshot)", ErrInvalidOptions, source)
	}
	rep := &Report{Source: source, SnapshotID: snap.SnapshotID, Target: o.Target, Seeded: o.Seed != 0, CreatedAt: start.UTC()}
	rep.Thresholds = Thresholds{MinFidelity: o.MinFidelity, MinProtection: o.MinProtection}
	var dns, dname string
	if o.Into != "" {
		dns, dname, _ = parseTable(o.Into)
		rep.Destination = displayName(dns, dname)
		if !o.Replace {
			if _, err := wh.Table(ctx, dns, dname); err == nil {
				return nil, fmt.Errorf("%w: %s (pass replace to overwrite it)", ErrDestinationExists, rep.Destination)
			} else if !errors.Is(err, engine.ErrNoSuchTable) && !errors.Is(err, engine.ErrNoSuchNamespace) {
				return nil, err
			}
		}
	}
	// The budget first: nothing of the source is read if it is spent.
	if err := checkBudget(ctx, sess, tbl, source, o.Epsilon, &rep.Budget); err != nil {
		return nil, err
	}
	rep.Thresholds.EpsilonBudget = rep.Budget.Limit

	var fields []sourceField
	for _, f := range tbl.Schema().Fields() {
		typ, err := engine.DuckDBType(f.Type)
		if err != nil {
			typ = f.Type.String()
		}
		fields = append(fields, sourceField{name: f.Name, typ: typ})
	}
	rel := fmt.Sprintf("%s AT (VERSION => %d)", tableIdent(ns, name), snap.SnapshotID)
	n, stats, err := readStats(ctx, sess, rel, fields)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: %w", source, err)
	}
	if n < minRows {
		return nil, fmt.Errorf("%w: %s has %d rows; synth needs at least %d", ErrInvalidOptions, source, n, minRows)
	}
	declared, err := declaredDomains(tbl.Properties(), fields, source)
	if err != nil {
		return nil, err
	}
	planned, err := planColumns(fields, stats, n, &o, declared)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: %w", source, err)
	}
	var cols []*column
	cfg := fitConfig{target: -1, levels: o.levels(), bounds: map[int][]float64{}, public: map[int][]catValue{}, targetWeight: targetWeight}
	fromData := map[int]bool{} // frame columns whose public domain is the data's values
	for i, p := range planned {
		if p.dropped != "" {
			rep.Dropped = append(rep.Dropped, DroppedColumn{Name: p.col.name, Reason: p.dropped})
			slog.Debug("synth: column dropped", "table", source, "column", p.col.name, "reason", p.dropped)
			continue
		}
		j := len(cols)
		if o.Target != "" && strings.EqualFold(p.col.name, o.Target) {
			cfg.target = j
			rep.Target = p.col.name
			cfg.tan = p.col.class == Categorical && stats[i].distinct <= maxTANClasses
		}
		for k, b := range o.Bounds {
			if strings.EqualFold(k, p.col.name) {
				cfg.bounds[j] = b
			}
		}
		if vals, ok := declared[i]; ok {
			if cfg.public[j], err = normalizeDomain(ctx, sess, p.col.name, p.col.typ, vals); err != nil {
				return nil, err
			}
		} else if slices.ContainsFunc(o.Public, func(s string) bool { return strings.EqualFold(s, p.col.name) }) {
			fromData[j] = true
		}
		cols = append(cols, p.col)
	}
	fr, err := readFrame(ctx, sess, rel, cols, n)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: %w", source, err)
	}
	rep.SourceRows = fr.n
	for j := range fromData {
		vals, _ := categoryCounts(fr.cols[j], fr.n)
		if len(vals) > maxPublicValues {
			return nil, fmt.Errorf("%w: public column %s has %d distinct values; a public domain holds at most %d", ErrInvalidOptions, fr.cols[j].name, len(vals), maxPublicValues)
		}
		cfg.public[j] = vals
	}
	delta := o.Delta
	if delta == 0 {
		delta = defaultDelta(fr.n)
	}
	seed := o.Seed
	if seed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err != nil {
			return nil, err
		}
		seed = binary.LittleEndian.Uint64(b[:])
	}
	rows := o.Rows
	if rows == 0 {
		rows = fr.n
	}

	// The release: a model of the whole table.
	r := rand.New(rand.NewPCG(seed, streamRelease))
	m, codes, err := fit(r, fr, cfg, o.Epsilon, delta)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: %w", source, err)
	}
	synCodes := m.sample(r, rows)
	syn := m.decode(r, synCodes, fr)
	rep.Rows = rows
	describeModel(rep, m, fr)
	names := make([]string, len(fr.cols))
	for j, c := range fr.cols {
		names[j] = c.name
	}
	rep.Fidelity = fidelity(names, m.sizes, codes, synCodes, cfg.target)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// The evaluation: the same model trained on half the rows, attacked
	// and used for train-on-synthetic, test-on-real.
	priv, util, err := evaluate(seed, fr, cfg, o.Epsilon, delta)
	if err != nil {
		return nil, fmt.Errorf("synthesize %s: evaluate: %w", source, err)
	}
	priv.ExactCopyRate = copyRate(syn, fr)
	rep.Privacy = priv
	rep.Utility = util

	if rep.Fidelity.Score < o.MinFidelity {
		rep.Failures = append(rep.Failures, fmt.Sprintf("fidelity %.3f < min_fidelity %.3f", rep.Fidelity.Score, o.MinFidelity))
	}
	if rep.Privacy.Score < o.MinProtection {
		rep.Failures = append(rep.Failures, fmt.Sprintf("privacy %.3f < min_protection %.3f (strongest attack AUC %.3f)", rep.Privacy.Score, o.MinProtection, strongestAUC(rep.Privacy)))
	}
	rep.Seconds = time.Since(start).Seconds()
	if len(rep.Failures) > 0 {
		return rep, &ThresholdError{Report: rep}
	}
	if o.Into == "" {
		return rep, nil
	}

	// Release. The budget is checked again under the source's budget lock,
	// held until the ledger row is written, so that two releases running
	// at once in floe processes sharing the warehouse cannot both pass the
	// check. The table is written first and the ledger row second, and a
	// ledger failure takes the table back, so no release goes unrecorded.
	unlock, err := wh.LockStep(ctx, "privacy-budget."+ns+"."+name)
	if err != nil {
		return rep, fmt.Errorf("release %s: %w", rep.Destination, err)
	}
	defer unlock()
	if err := checkBudget(ctx, sess, tbl, source, o.Epsilon, &Budget{}); err != nil {
		return rep, err
	}
	rep.ReleaseID = uuid.NewString()
	props := map[string]string{
		"floe.synth.source":     source,
		"floe.synth.snapshot":   strconv.FormatInt(snap.SnapshotID, 10),
		"floe.synth.release-id": rep.ReleaseID,
		"floe.synth.epsilon":    strconv.FormatFloat(o.Epsilon, 'g', -1, 64),
		"floe.synth.delta":      strconv.FormatFloat(delta, 'g', -1, 64),
	}
	if err := writeTable(ctx, sess, dns, dname, syn, o.Replace, props); err != nil {
		return rep, fmt.Errorf("write %s: %w", rep.Destination, err)
	}
	rep.Released = true
	rep.Seconds = time.Since(start).Seconds()
	if err := record(ctx, sess, rep); err != nil {
		rep.Released = false
		if derr := wh.DropTable(context.WithoutCancel(ctx), dns, dname, true, true); derr != nil {
			err = errors.Join(err, fmt.Errorf("drop %s after the failed ledger write: %w", rep.Destination, derr))
		}
		return rep, err
	}
	return rep, nil
}

func strongestAUC(p Privacy) float64 {
	var best float64
	for _, a := range p.Attacks {
		best = max(best, a.AUC)
	}
	return best
}

// describeModel fills the report's column and model sections.
func describeModel(rep *Report, m *model, fr *frame) {
	rep.Budget.Epsilon, rep.Budget.Delta = m.plan.Epsilon, m.plan.Delta
	rep.Budget.Rho, rep.Budget.DeltaDomain = m.plan.Rho, m.plan.DeltaDomain
	rep.Budget.RhoDomain, rep.Budget.RhoRound1 = m.plan.Domain, m.plan.Round1
	rep.Budget.RhoCategories, rep.Budget.RhoBins = m.plan.Categories1+m.plan.Categories2, m.plan.Bins
	rep.Budget.RhoSelect, rep.Budget.RhoRound2 = m.plan.Select, m.plan.Round2
	rep.Budget.PublicDomains = []string{}
	for j, c := range fr.cols {
		info := m.info[j]
		cr := ColumnReport{Name: c.name, Type: c.typ, Class: c.class.String(), Codes: m.sizes[j],
			PublicDomain: info.public, DomainRho: info.rho}
		if d := m.domains[j]; d.class == Numerical {
			cr.Bins, cr.Points = d.edges, d.points
		} else {
			cr.Categories = len(d.values)
			if !info.public {
				cr.Unexplained, cr.SecondPass = &info.residual, info.secondPass
			}
		}
		if info.public && c.class == Categorical {
			rep.Budget.PublicDomains = append(rep.Budget.PublicDomains, c.name)
		}
		rep.Columns = append(rep.Columns, cr)
	}
	rep.Model = ModelReport{Structure: "tree", Measurements: m.measurements,
		NoiseDomain: m.sigmaDomain, NoiseRound1: m.sigmaRound1, NoiseRound2: m.sigmaRound2}
	if m.tan {
		rep.Model.Structure = "target-augmented tree"
	}
	rep.Model.Edges = [][2]string{}
	for _, e := range m.edges {
		rep.Model.Edges = append(rep.Model.Edges, [2]string{fr.cols[e[0]].name, fr.cols[e[1]].name})
	}
}

// evalTestShare is the share of the rows the evaluation holds out: the
// evaluation model trains on the rest.
const evalTestShare = 0.3

// evaluate trains the model on a random 70% of fr, attacks it with the
// other 30% as non-members and reference, and compares training on its
// synthetic rows with training on the real 70% (both tested on the 30%).
func evaluate(seed uint64, fr *frame, cfg fitConfig, eps, delta float64) (Privacy, *Utility, error) {
	split := rand.New(rand.NewPCG(seed, streamSplit))
	perm := split.Perm(fr.n)
	cut := fr.n - int(float64(fr.n)*evalTestShare)
	train, test := fr.subset(perm[:cut]), fr.subset(perm[cut:])
	r := rand.New(rand.NewPCG(seed, streamEval))
	m, trainCodes, err := fit(r, train, cfg, eps, delta)
	if err != nil {
		return Privacy{}, nil, err
	}
	synCodes := m.sample(r, train.n)
	syn := m.decode(r, synCodes, train)

	// train and test are in random order, so their first rows are random
	// samples.
	k := min(maxAttackRows, train.n, test.n/2)
	first := func(n int) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	rest := make([]int, 0, test.n-k)
	for i := k; i < test.n; i++ {
		rest = append(rest, i)
	}
	testCodes := make([][]int32, len(test.cols))
	for j, c := range test.cols {
		testCodes[j] = m.domains[j].encode(c, test.n)
	}
	rows := func(codes [][]int32, lo, hi int) [][]int32 {
		out := make([][]int32, len(codes))
		for j := range codes {
			out[j] = codes[j][lo:hi]
		}
		return out
	}
	p := attack(attackInput{
		members:        train.subset(first(k)),
		nonMembers:     test.subset(first(k)),
		reference:      test.subset(rest),
		synthetic:      syn,
		memberCodes:    rows(trainCodes, 0, k),
		nonMemberCodes: rows(testCodes, 0, k),
		referenceCodes: rows(testCodes, k, test.n),
		syntheticCodes: synCodes,
		sizes:          m.sizes,
	})
	p.TrainingCopyRate = copyRate(syn, train)
	p.HoldoutCopyRate = copyRate(syn, test)

	if cfg.target < 0 {
		return p, nil, nil
	}
	u := &Utility{Target: fr.cols[cfg.target].name, TrainRows: train.n, TestRows: test.n}
	if fr.cols[cfg.target].class == Categorical {
		u.Task, u.Model = "classification", "logistic regression"
	} else {
		u.Task, u.Model = "regression", "linear regression"
	}
	u.TRTR = utilityMetrics(train, test, cfg.target)
	u.TSTR = utilityMetrics(syn, test, cfg.target)
	u.Boosted = &ModelUtility{Model: boostedName,
		TRTR: boostedMetrics(train, test, cfg.target),
		TSTR: boostedMetrics(syn, test, cfg.target)}
	return p, u, nil
}
