SELECT
    segment,
    name,
    row_number() OVER (PARTITION BY segment ORDER BY revenue DESC) AS rk, -- rank in segment
    sum(revenue) over w as running
FROM   lake.crm.customers
/* the window */
WINDOW w AS (PARTITION BY segment ORDER BY signup_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
QUALIFY rk <= 3
