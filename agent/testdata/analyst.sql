-- Analyst SQL over the sample warehouse that the read-only guard must let
-- through and that must run on a confined session (hostile_test.go).
-- Each entry starts with a line "=== name"; the SQL runs to the next one.
=== count
SELECT count(*) FROM lake.samples.customers
=== churn rate by contract
SELECT contract, avg(CAST(churned AS INTEGER)) AS churn_rate FROM lake.samples.customers GROUP BY contract ORDER BY churn_rate DESC, contract
=== FROM-first
FROM lake.samples.customers SELECT region, count(*) GROUP BY ALL ORDER BY ALL
=== revenue by month
SELECT date_trunc('month', sale_date) AS month, sum(revenue) AS revenue FROM lake.samples.daily_sales GROUP BY 1 ORDER BY 1
=== strftime and extract
SELECT strftime(sale_date, '%Y-%m') AS ym, extract(year FROM sale_date) AS y, date_part('quarter', sale_date) AS q, dayname(sale_date) AS d FROM lake.samples.daily_sales LIMIT 5
=== method call syntax
SELECT sale_date.strftime('%Y') AS y, store_name.upper() AS s FROM lake.samples.daily_sales LIMIT 3
=== relative dates
SELECT sum(units) FROM lake.samples.daily_sales WHERE sale_date > (SELECT max(sale_date) FROM lake.samples.daily_sales) - INTERVAL 30 DAY
=== interval arithmetic and current_date
SELECT count(*) FROM lake.samples.customers WHERE signup_date < current_date - INTERVAL '1 year' AND signup_date < today() AND signup_date < now()
=== coalesce, nullif, round, CASE
SELECT customer_id, coalesce(total_charges, 0) AS total, round(monthly_charges * 12, 2) AS yearly, nullif(contract, 'One year') AS c,
  CASE WHEN tenure_months > 24 THEN 'long' WHEN tenure_months > 6 THEN 'mid' ELSE 'new' END AS band
FROM lake.samples.customers LIMIT 10
=== median, quantiles, stddev
SELECT median(monthly_charges), quantile_cont(monthly_charges, 0.9), approx_quantile(tenure_months, 0.5), stddev(monthly_charges), mode(contract), count(DISTINCT region) FROM lake.samples.customers
=== string functions
SELECT lower(store_name), length(product_name), concat(city, ', ', region), replace(category, ' ', '_'), split_part(store_name, ' ', 1), regexp_matches(product_name, '^[A-Z]'), left(city, 3), trim(' x ') , lpad(CAST(store_id AS VARCHAR), 3, '0') FROM lake.samples.daily_sales LIMIT 5
=== LIKE, ILIKE, IN, BETWEEN
SELECT count(*) FROM lake.samples.daily_sales WHERE product_name ILIKE '%a%' AND city NOT LIKE 'X%' AND store_id IN (1, 2, 3) AND units BETWEEN 1 AND 100
=== window functions
SELECT store_name, sale_date, revenue,
  sum(revenue) OVER (PARTITION BY store_name ORDER BY sale_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS rolling,
  rank() OVER (PARTITION BY sale_date ORDER BY revenue DESC) AS r,
  lag(revenue) OVER w AS prev, row_number() OVER w AS n
FROM lake.samples.daily_sales WINDOW w AS (PARTITION BY store_name ORDER BY sale_date)
QUALIFY n <= 3
=== CTEs and joins
WITH by_store AS (SELECT store_id, sum(revenue) AS revenue FROM lake.samples.daily_sales GROUP BY store_id),
     ranked AS (SELECT *, dense_rank() OVER (ORDER BY revenue DESC) AS r FROM by_store)
SELECT s.store_id, s.revenue, r.r FROM by_store s JOIN ranked r USING (store_id) WHERE r.r <= 3 ORDER BY r.r
=== recursive CTE
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n
=== CTE shadowing a lake table name
WITH customers AS (SELECT * FROM lake.samples.customers WHERE churned) SELECT count(*) FROM customers
=== lateral join
SELECT c.region, t.n FROM (SELECT DISTINCT region FROM lake.samples.customers) c, LATERAL (SELECT count(*) AS n FROM lake.samples.customers x WHERE x.region = c.region) t ORDER BY 1
=== list and struct functions
SELECT list_sort(list(DISTINCT region)) AS regions, [1, 2, 3][2] AS second, list_transform([1, 2], x -> x * 2) AS doubled, {'a': 1}.a AS a, struct_pack(k := 1) AS s, unnest([1, 2]) AS u FROM lake.samples.customers
=== list comprehension and string_agg
SELECT string_agg(DISTINCT contract, ', ' ORDER BY contract) AS contracts, [x + 1 FOR x IN [1, 2] IF x > 1] AS l FROM lake.samples.customers
=== casts and try_cast
SELECT CAST(tenure_months AS DOUBLE) / 12 AS years, TRY_CAST(customer_id AS INTEGER) AS n, tenure_months::VARCHAR AS s, CAST('2024-01-01' AS DATE) AS d FROM lake.samples.customers LIMIT 3
=== range and generate_series
SELECT d.range AS day, count(s.sale_date) FROM range(DATE '2023-01-01', DATE '2023-01-08', INTERVAL 1 DAY) d LEFT JOIN lake.samples.daily_sales s ON s.sale_date = d.range GROUP BY 1 ORDER BY 1
=== generate_series table function
SELECT * FROM generate_series(1, 3) g(i)
=== PIVOT
SELECT * FROM (SELECT region, contract FROM lake.samples.customers) PIVOT (count(*) FOR contract IN ('Month-to-month', 'One year', 'Two year'))
=== UNPIVOT
UNPIVOT (SELECT region, count(*) AS n, avg(tenure_months) AS t FROM lake.samples.customers GROUP BY region) ON n, t INTO NAME k VALUE v
=== DESCRIBE
DESCRIBE lake.samples.customers
=== SUMMARIZE
SUMMARIZE lake.samples.daily_sales
=== SUMMARIZE of a query
SUMMARIZE SELECT units, revenue FROM lake.samples.daily_sales
=== time travel
SELECT count(*) FROM lake.samples.customers AT (TIMESTAMP => now())
=== metadata table
SELECT count(*) FROM lake.samples."customers$snapshots"
=== UNION and set operations
SELECT region FROM lake.samples.customers EXCEPT SELECT region FROM lake.samples.daily_sales UNION ALL SELECT 'none'
=== GROUPING SETS and ROLLUP
SELECT region, contract, count(*) FROM lake.samples.customers GROUP BY ROLLUP (region, contract) ORDER BY ALL
=== FILTER and arg_max
SELECT count(*) FILTER (WHERE churned) AS churned, arg_max(customer_id, monthly_charges) AS priciest, max_by(region, tenure_months) AS r FROM lake.samples.customers
=== EXISTS and scalar subqueries
SELECT count(*) FROM lake.samples.customers c WHERE EXISTS (SELECT 1 FROM lake.samples.daily_sales s WHERE s.region = c.region) AND monthly_charges > (SELECT avg(monthly_charges) FROM lake.samples.customers)
=== sampling
SELECT count(*) FROM lake.samples.customers USING SAMPLE 10%
=== VALUES
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, name)
=== COLUMNS and EXCLUDE
SELECT COLUMNS('.*_charges'), * EXCLUDE (customer_id, gender) FROM lake.samples.customers LIMIT 2
=== json functions
SELECT json_extract_string(to_json({'a': region}), '$.a') AS r FROM lake.samples.customers LIMIT 1
=== quoted lake names
SELECT count(*) FROM "lake"."samples"."customers"
=== hash and md5
SELECT hash(customer_id) % 10 AS bucket, md5(customer_id) AS m FROM lake.samples.customers LIMIT 3
=== time_bucket and epoch
SELECT time_bucket(INTERVAL '1 week', sale_date) AS wk, epoch(CAST(sale_date AS TIMESTAMP)) AS e FROM lake.samples.daily_sales LIMIT 3
=== greatest, least, abs, ln
SELECT greatest(units, 10), least(units, 1), abs(-units), ln(units + 1), sqrt(units), power(units, 2) FROM lake.samples.daily_sales LIMIT 3
=== column named like a value function
SELECT "user" FROM (SELECT 1 AS "user")
