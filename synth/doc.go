// Package synth makes privacy-enhancing synthetic copies of lake tables: it
// fits a differentially private model of a table, samples a table with the
// same schema and statistics, scores it for fidelity, privacy and utility,
// and releases it only if it meets the data owner's thresholds, recording
// every release in a privacy ledger.
//
// # Entry points
//
// Run(ctx, sess, Options) does everything; Register makes the same
// available in SQL as CALL synthesize('crm.customers', target => 'churned',
// epsilon => 1.0, min_protection => 0.8, into => 'crm.customers_synth'),
// and `floe synth` on the command line. Ledger lists a source's releases.
//
// # The model
//
// The model is MST (McKenna, Miklau and Sheldon, "Winning the NIST
// Contest", 2021) with the target put first. Every column becomes a finite
// domain of codes:
//
//   - Categorical columns (text, booleans, and numbers with at most 20
//     distinct values unless told otherwise) keep the values that category
//     discovery (below) releases; the rest share one "other" code. Sampling
//     never draws "other": a row the model would give a value too rare to
//     release is drawn again among the released values, given the row's
//     parents in the model (so a column with no NULLs never gets one).
//     NULL is a value like any other: released only if it is common
//     enough. A BOOLEAN's false and true are always released.
//   - A public domain (Options.Public, `--public`, `public => [...]`, or
//     the table property floe.synth.public-domain.COLUMN holding a JSON
//     array of values) replaces discovery: the model uses exactly the
//     declared values, so rare ones are kept; values outside the domain
//     are "other" and drawn again among the declared ones. No error
//     depends on which values the data holds (that would leak): a value
//     outside the domain is handled silently, as SmartNoise clamps.
//     Without a property, the values of a column listed as public are
//     its distinct values in the data, NULL included: private only
//     because the owner, by listing the column, asserts that this set is
//     public knowledge.
//   - Numerical columns (numbers, dates, timestamps) get up to Bins (16)
//     bins plus point values. First a range: a Gaussian histogram over
//     public buckets (powers of two, or calendar years) keeps the buckets
//     whose noisy count passes 4.5 standard deviations, and their
//     neighbours passing 2; values outside the range are clamped to it.
//     Then point values: a value held by at least 1/32 of the rows and
//     released by a thresholded histogram (as for categories) gets a code
//     of its own and is sampled back exactly, so a column of mostly zeros
//     keeps its zeros. NULL is a cell of the same histogram and is
//     sampled only if released (with public edges, which spend no budget,
//     it always may be). Then bin edges for the other values: log2(Bins)
//     rounds of DP medians split every bin in two (fewer rounds when points
//     hold most rows); each median is an exponential mechanism over fixed
//     candidates (integers, 100 log-spaced points a decade, 256 equal steps,
//     or days). Values are sampled back uniformly within their bin, rounded
//     to the column's type. Public bounds (two values) replace the range
//     step; public edges (more values) replace all three. In a small table
//     a long sparse tail (a few percent of rows spread over decades) may
//     not clear the range threshold and is clamped: give such columns
//     public bounds.
//
// With a categorical target of at most 10 classes the model is a
// target-augmented tree: the pairs (target, column) are measured for every
// column, a spanning tree over the other columns is selected, and each tree
// edge (a, b) is measured as the 3-way marginal (target, a, b), so every
// column is sampled given the target and one other column. Otherwise
// (no target, or a numerical one) it is MST's tree: 1-way marginals, a
// spanning tree of pairs (pairs with the target score double), and the
// chosen 2-way marginals.
//
// Trees are selected as in MST: Kruskal's algorithm where each step picks
// an edge that joins two components by the exponential mechanism, scored by
// the L1 distance between the pair's (or triple's) true counts and what the
// measurements so far predict for it; one record moves a score by at most
// 1 (2 for doubled target pairs, accounted as sensitivity 2).
//
// Noisy marginals are made consistent by post-processing, which costs no
// privacy: each table is averaged with the projections of larger ones
// (inverse-variance weights), projected onto non-negative counts summing to
// n (norm-sub), and fitted to its lower-order margins by iterative
// proportional fitting. Norm-sub zeroes small noisy cells, so a rare value
// can lose every cell of a large table while its margin still holds it:
// such a value is given back to the table as independent of the other
// column before fitting. Rows are then sampled from the tree, parents
// first.
//
// # Privacy accounting
//
// The guarantee is (epsilon, delta)-differential privacy for adding or
// removing one row of the source, accounted in zero-concentrated DP
// (Bun and Steinke, 2016). Every mechanism that reads rows draws from one
// budget rho:
//
//   - A count table (any marginal) changes by 1 in one cell when a row is
//     added or removed: L2 sensitivity 1. With Gaussian noise of scale
//     sigma it is 1/(2 sigma²)-zCDP.
//   - The exponential mechanism with privacy eps is eps²/8-zCDP (Cesar and
//     Rogers, 2021). Bin-edge quantiles and tree edges use it.
//   - Private category discovery, and the point values of numerical
//     columns, use the Gaussian sparse histogram: every value present gets
//     its count plus Gaussian noise and is kept only if the noisy count
//     reaches tau >= 1 + sigma * z, where P(N(0,1) >= z) = delta_c. A value
//     held by a single row is released with probability at most delta_c;
//     apart from that event it is a Gaussian mechanism. It is
//     delta_c-approximate 1/(2 sigma²)-zCDP (Wilkins, Kifer, Zhang and
//     Karrer, 2024, analyse it exactly).
//   - Category discovery is two such histograms per private categorical
//     column. The first pass gives every such column an equal share of
//     its budget. The released values' noisy counts say how many rows they
//     leave unexplained (n minus their sum: post-processing). The second
//     pass's budget goes to the columns where that residual is at least
//     0.5% of the rows, in proportion to residual^0.75: a long tail
//     (countries, education levels) gets a finer second look with fresh
//     noise, and columns whose values were all found get nothing. Values
//     passing either pass's threshold are released; both passes' noisy
//     counts of them measure the column's 1-way marginal. What the second
//     pass does not spend goes to the measurements (below).
//   - Public domains cost nothing: they are not computed from the rows
//     (or, taken from the rows, are declared public by the owner).
//   - A numerical column's range is a Gaussian histogram over public
//     buckets (sensitivity 1), thresholded afterwards: post-processing.
//   - zCDP composes by adding rho (and approximate zCDP by adding the
//     deltas), adaptively. The recursive medians of one round read
//     disjoint rows, so a round costs one quantile (parallel composition).
//
// The budget is converted and split as follows. When any column needs a
// sparse histogram (private categories, numerical point values), half of
// delta (delta_domain) pays for their thresholds, split equally across
// those histograms (two per private categorical column, one per numerical
// column), and the other half converts zCDP to (epsilon, delta): rho is
// the largest value with cdp_delta(rho, epsilon) <= delta - delta_domain,
// using the conversion of Canonne, Kamath and Steinke (2020, Proposition
// 12), which is tighter than epsilon = rho + 2 sqrt(rho log(1/delta)): at
// epsilon 1 and delta 1e-9 (half of it for the conversion) rho is 0.0144,
// where the classic bound would allow 0.0114. Rho is then split between the
// phases a model uses, in proportion 0.40 (first discovery pass), 0.40
// (second discovery pass), 0.15 times the numerical columns' part of the
// columns with a private domain (their ranges, points and medians, equally
// per column and step), 0.15 (first measurements: 1-way marginals of the
// columns discovery does not measure, or the (target, column) pairs,
// equally per marginal), 0.05 (tree selection, equally per Kruskal step)
// and 0.30 (the chosen cliques, equally per clique). Discovery takes much
// of the budget because its counts are also the 1-way measurements, and
// because a value it does not release is lost however well the rest is
// measured: on Adult at epsilon 1 (ten private categorical columns) the
// split releases education levels held by 1% of 22,793 rows, and all but
// the rarest countries.
//
// The second pass's unspent budget moves to the measurement phases, in
// proportion. Its amount depends on the first pass's noisy output; zCDP
// allows such adaptively chosen budgets as long as their sum never
// exceeds rho, whatever the outputs (a Rényi filter: Feldman and Zrnic,
// 2021; Whitehouse, Ramdas, Rogers and Wu, 2023). Every budget and noise
// scale is in the report: rho of each phase, each column's domain rho, and
// which columns had a second pass or a public domain.
//
// Delta defaults to min(1e-9, 1/n²) for a source of n rows.
//
// What is not covered by epsilon, and why: the row count n (it is in the
// table's snapshot metadata) and the table schema are treated as public.
// Column classes and identifier detection look at exact distinct counts;
// pass every column's class with Categorical, Numerical and Drop to avoid
// that. The seed, when given, is a secret key: anyone with it can replay
// the noise. By default a random seed is drawn and not recorded.
//
// The fidelity, privacy and utility scores are computed on the real rows
// and are not differentially private: they are for the data owner, who
// decides on the release. A refused release writes nothing and records
// nothing.
//
// # Scores
//
// Fidelity compares the released table with the source on every 1-way and
// 2-way marginal over the model's domains (bins and categories): each
// marginal scores exp(-KL(real || synthetic)), with the synthetic counts
// smoothed by 0.5 per cell; the score is the mean of the mean 1-way score
// and the mean 2-way score. A KL of 0.01 nats scores 0.99, 0.1 scores 0.90,
// 1 scores 0.37. Values too rare to release count as missing from the
// synthetic table (their rows were drawn again as other values). The
// report also gives every column's 1-way KL, score and total variation
// distance (TVD), its mean 2-way score and its 2-way TVD with the target,
// and the largest TVDs.
//
// Privacy is measured on a second model fitted, with the same settings, to
// a random 70% of the rows (members). Up to 1,000 members and 1,000 rows
// of the other 30% (non-members) are scored by three membership-inference
// attacks that see the model's synthetic rows, and the other non-members
// as reference data from the same population: the distance to the closest
// synthetic record (Gower-style, mixed types), the ratio of the distances
// to the closest reference and synthetic records, and a density ratio
// (DOMIAS-style) of Chow-Liu tree densities fitted to the synthetic and the
// reference rows. Each attack's AUC scores 1 - 2*max(0, AUC-0.5); the
// privacy score is the lowest. The exact-copy rate is the share of released
// rows equal to a source row; the training and holdout copy rates compare
// the evaluation model's rows with its two parts.
//
// Utility (with a target) trains two models on the evaluation model's
// synthetic rows (TSTR) and on the real 70% (TRTR) and tests them on the
// real 30%: a linear one, logistic regression (accuracy, AUC) for a
// categorical target or linear regression (R², RMSE) for a numerical one,
// and gradient-boosted trees (100 rounds of depth-3 trees on binned
// features, deterministic), which also use the interactions between
// columns that the linear model cannot.
//
// # Release and ledger
//
// A release needs fidelity >= MinFidelity, privacy >= MinProtection and,
// when the source has the table property floe.privacy.epsilon-budget, the
// sum of the epsilons already in the ledger for it plus this epsilon
// within that budget; the budget is checked before any row is read. A
// refusal is a *ThresholdError (errors.Is ErrNotReleased) listing scores and
// thresholds. A release writes the destination table in one commit, then
// appends a row to lake.floe_privacy.ledger (source, snapshot id, epsilon,
// delta, destination, time, scores and the JSON report); if the ledger
// write fails the destination is dropped again. Epsilons are summed in the
// ledger (basic composition), which over-counts compared with adding rho.
package synth
