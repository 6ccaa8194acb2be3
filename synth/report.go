package synth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Report is what one synthesis measured and did. It is returned by Run,
// written as JSON on request and, for a release, stored with the ledger
// row.
type Report struct {
	ReleaseID   string    `json:"release_id,omitempty"`
	Released    bool      `json:"released"`
	Source      string    `json:"source"`
	SnapshotID  int64     `json:"source_snapshot_id"`
	Destination string    `json:"destination,omitempty"`
	SourceRows  int       `json:"source_rows"`
	Rows        int       `json:"rows"`
	Target      string    `json:"target,omitempty"`
	Seeded      bool      `json:"seeded"` // a caller-chosen seed (which must stay secret)
	CreatedAt   time.Time `json:"created_at"`
	Seconds     float64   `json:"seconds"`

	Budget     Budget          `json:"budget"`
	Thresholds Thresholds      `json:"thresholds"`
	Columns    []ColumnReport  `json:"columns"`
	Dropped    []DroppedColumn `json:"dropped,omitempty"`
	Model      ModelReport     `json:"model"`
	Fidelity   Fidelity        `json:"fidelity"`
	Privacy    Privacy         `json:"privacy"`
	Utility    *Utility        `json:"utility,omitempty"`
	// Failures lists the thresholds the synthetic table missed; a report
	// with failures is never released.
	Failures []string `json:"failures,omitempty"`
}

// Budget is the privacy budget of the release and how it was spent.
type Budget struct {
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta"`
	// Rho is the zCDP budget that (Epsilon, Delta - DeltaDomain) allows;
	// the phases below add up to it.
	Rho         float64 `json:"rho"`
	DeltaDomain float64 `json:"delta_domain"`
	RhoDomain   float64 `json:"rho_domain"`
	// RhoCategories and RhoBins are RhoDomain's parts: category discovery
	// (both passes; what the second pass left unspent went to the
	// measurements) and the numerical columns' bins.
	RhoCategories float64 `json:"rho_categories"`
	RhoBins       float64 `json:"rho_bins"`
	RhoRound1     float64 `json:"rho_first_measurements"`
	RhoSelect     float64 `json:"rho_structure"`
	RhoRound2     float64 `json:"rho_clique_measurements"`
	// PublicDomains are the categorical columns whose set of values was
	// declared public (Options.Public or the table property
	// floe.synth.public-domain.COLUMN): no budget was spent finding them.
	PublicDomains []string `json:"public_domains"`
	// Limit is the source's floe.privacy.epsilon-budget (0: none), and
	// SpentBefore the epsilon of its earlier releases in the ledger.
	Limit          float64 `json:"limit,omitempty"`
	SpentBefore    float64 `json:"spent_before"`
	ReleasesBefore int     `json:"releases_before"`
}

// Thresholds are the data owner's release conditions.
type Thresholds struct {
	MinFidelity   float64 `json:"min_fidelity"`
	MinProtection float64 `json:"min_protection"`
	EpsilonBudget float64 `json:"epsilon_budget,omitempty"`
}

// ColumnReport describes a synthesized column.
type ColumnReport struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Class string `json:"class"`
	// Codes is the size of the column's model domain: released categories
	// plus "other", or bins plus NULL.
	Codes int `json:"codes"`
	// Bins are a Numerical column's bin edges, chosen under DP or given
	// as public edges.
	Bins []float64 `json:"bins,omitempty"`
	// Points are a Numerical column's values common enough to be kept
	// exactly (each held by at least 1/32 of the rows), found under DP.
	Points []float64 `json:"points,omitempty"`
	// Categories is how many of a Categorical column's values were
	// released (or declared public); rarer ones are drawn again among
	// them, given the rest of the row.
	Categories int `json:"categories,omitempty"`
	// PublicDomain: the column's values (or bin edges) were given as
	// public, not found under DP.
	PublicDomain bool `json:"public_domain,omitempty"`
	// DomainRho is the zCDP budget spent finding the column's domain.
	DomainRho float64 `json:"domain_rho,omitempty"`
	// Unexplained is, for a private categorical column, the share of rows
	// the first discovery pass's released values left unexplained (a
	// noisy estimate), and SecondPass whether it got a second pass.
	Unexplained *float64 `json:"unexplained_share,omitempty"`
	SecondPass  bool     `json:"second_pass,omitempty"`
}

// DroppedColumn is a source column left out of the synthetic table.
type DroppedColumn struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ModelReport describes the fitted model.
type ModelReport struct {
	// Structure is "target-augmented tree" (the target is a parent of
	// every column, plus one tree parent) or "tree" (MST).
	Structure    string      `json:"structure"`
	Edges        [][2]string `json:"edges"`
	Measurements int         `json:"measurements"`
	// Noise scales (standard deviations, in records) of the Gaussian
	// mechanisms of each phase. NoiseDomain is the first category
	// discovery pass's (without private categories, a numerical column's
	// point histogram's); second passes differ by column.
	NoiseDomain float64 `json:"noise_domain,omitempty"`
	NoiseRound1 float64 `json:"noise_first_measurements,omitempty"`
	NoiseRound2 float64 `json:"noise_clique_measurements,omitempty"`
}

// Fidelity compares the 1- and 2-way marginals of the synthetic table with
// the source's, over the model's domains. Each marginal scores exp(-KL(real
// || synthetic)); OneWay and TwoWay are the means over 1-way and 2-way
// marginals and Score is their mean (TwoWay is 0 and Score is OneWay for a
// single column). MaxTVD is the largest total variation distance between a
// column's real and synthetic 1-way distributions, and MaxTargetTVD the
// largest over the 2-way distributions of (target, column) pairs.
type Fidelity struct {
	Score        float64          `json:"score"`
	OneWay       float64          `json:"one_way"`
	TwoWay       float64          `json:"two_way"`
	MaxTVD       float64          `json:"max_tvd"`
	MaxTargetTVD float64          `json:"max_target_tvd,omitempty"`
	Columns      []ColumnFidelity `json:"columns"`
	WorstPair    *PairFidelity    `json:"worst_pair,omitempty"`
}

// ColumnFidelity is one column's fidelity: its 1-way KL, score and total
// variation distance (TVD, over the model's categories or bins: a value
// too rare to release counts as missing from the synthetic table), the
// mean score of the 2-way marginals it is part of and, with a target, the
// TVD of its 2-way distribution with the target.
type ColumnFidelity struct {
	Column    string  `json:"column"`
	KL        float64 `json:"kl"`
	Score     float64 `json:"score"`
	TVD       float64 `json:"tvd"`
	PairScore float64 `json:"pair_score"`
	TargetTVD float64 `json:"target_tvd,omitempty"`
}

// PairFidelity is one 2-way marginal's fidelity.
type PairFidelity struct {
	Columns [2]string `json:"columns"`
	KL      float64   `json:"kl"`
	Score   float64   `json:"score"`
}

// Privacy is the result of membership-inference attacks on a generator
// trained, with the same settings, on a random half of the source.
// Score is 1 - 2*max(0, AUC-0.5) for the strongest attack.
type Privacy struct {
	Score      float64  `json:"score"`
	Attacks    []Attack `json:"attacks"`
	Members    int      `json:"members"`
	NonMembers int      `json:"non_members"`
	// ExactCopyRate is the share of released rows equal to a source row.
	// TrainingCopyRate and HoldoutCopyRate are the shares of the
	// evaluation generator's rows equal to a row of its training half and
	// of the other half: similar rates mean copies come from common
	// values, not memorisation.
	ExactCopyRate    float64 `json:"exact_copy_rate"`
	TrainingCopyRate float64 `json:"training_copy_rate"`
	HoldoutCopyRate  float64 `json:"holdout_copy_rate"`
}

// Attack is one membership-inference attack's result.
type Attack struct {
	Name  string  `json:"name"`
	AUC   float64 `json:"auc"`
	Score float64 `json:"score"`
}

// Utility compares models trained on synthetic rows with the same models
// trained on real rows, both tested on real rows neither saw (TSTR vs
// TRTR): a linear model (Model, TSTR and TRTR) and gradient-boosted trees
// (Boosted), which also see interactions the linear model misses.
type Utility struct {
	Task      string        `json:"task"` // "classification" or "regression"
	Target    string        `json:"target"`
	Model     string        `json:"model"`
	TrainRows int           `json:"train_rows"`
	TestRows  int           `json:"test_rows"`
	TSTR      Metrics       `json:"tstr"`
	TRTR      Metrics       `json:"trtr"`
	Boosted   *ModelUtility `json:"boosted,omitempty"`
}

// ModelUtility is one model's TSTR and TRTR metrics.
type ModelUtility struct {
	Model string  `json:"model"`
	TSTR  Metrics `json:"tstr"`
	TRTR  Metrics `json:"trtr"`
}

// Metrics are a model's scores on the real test rows: accuracy and AUC
// (one-vs-rest mean for more than two classes) for classification, R² and
// RMSE for regression.
type Metrics struct {
	Accuracy float64 `json:"accuracy,omitempty"`
	AUC      float64 `json:"auc,omitempty"`
	R2       float64 `json:"r2,omitempty"`
	RMSE     float64 `json:"rmse,omitempty"`
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// WriteJSON writes the report to path, through a temporary file renamed
// into place.
func (r *Report) WriteJSON(path string) error {
	b, err := r.JSON()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*.json")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write report %s: %w", path, firstErr(werr, cerr))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Summary renders the headline scores as text, one per line.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fidelity %.3f (1-way %.3f, 2-way %.3f), largest TVD 1-way %.3f", r.Fidelity.Score, r.Fidelity.OneWay, r.Fidelity.TwoWay, r.Fidelity.MaxTVD)
	if r.Target != "" {
		fmt.Fprintf(&b, ", with the target %.3f", r.Fidelity.MaxTargetTVD)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "privacy %.3f (", r.Privacy.Score)
	for i, a := range r.Privacy.Attacks {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s AUC %.3f", a.Name, a.AUC)
	}
	fmt.Fprintf(&b, "), exact copies %.2f%%\n", 100*r.Privacy.ExactCopyRate)
	if u := r.Utility; u != nil {
		models := []ModelUtility{{Model: u.Model, TSTR: u.TSTR, TRTR: u.TRTR}}
		if u.Boosted != nil {
			models = append(models, *u.Boosted)
		}
		for _, m := range models {
			if u.Task == "classification" {
				fmt.Fprintf(&b, "utility %s, %s: accuracy TSTR %.3f vs TRTR %.3f, AUC TSTR %.3f vs TRTR %.3f\n", u.Target, m.Model, m.TSTR.Accuracy, m.TRTR.Accuracy, m.TSTR.AUC, m.TRTR.AUC)
			} else {
				fmt.Fprintf(&b, "utility %s, %s: R² TSTR %.3f vs TRTR %.3f, RMSE TSTR %.4g vs TRTR %.4g\n", u.Target, m.Model, m.TSTR.R2, m.TRTR.R2, m.TSTR.RMSE, m.TRTR.RMSE)
			}
		}
	}
	fmt.Fprintf(&b, "epsilon %g, delta %.3g (rho %.4g)\n", r.Budget.Epsilon, r.Budget.Delta, r.Budget.Rho)
	if len(r.Budget.PublicDomains) > 0 {
		fmt.Fprintf(&b, "public domains (no budget spent): %s\n", strings.Join(r.Budget.PublicDomains, ", "))
	}
	for _, d := range r.Dropped {
		fmt.Fprintf(&b, "dropped %s: %s\n", d.Name, d.Reason)
	}
	return b.String()
}
