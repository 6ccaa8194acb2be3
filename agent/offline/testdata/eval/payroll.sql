-- A payroll system written for the third held-out set (heldout3.txt):
-- abbreviated snake_case names as payroll exports have them (emp_id,
-- dept_cd, gross_amt, pay_dt, term_dt), a NULL termination date for the
-- employees still on staff, a manager key into the same table, monthly pay
-- statements and time-off requests with status codes. Generated
-- deterministically from multiplicative hashes of row numbers, so every run
-- holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.payroll;

CREATE TABLE lake.payroll.depts AS
SELECT dept_cd, dept_nm, loc_cd, cost_ctr FROM (VALUES
  ('FIN', 'Finance', 'NYC', 'CC100'),
  ('ENG', 'Engineering', 'SFO', 'CC200'),
  ('OPS', 'Operations', 'CHI', 'CC300'),
  ('MKT', 'Marketing', 'NYC', 'CC400'),
  ('HRS', 'Human Resources', 'CHI', 'CC500'),
  ('SLS', 'Sales', 'NYC', 'CC600'),
  ('LGL', 'Legal', 'NYC', 'CC700'),
  ('SUP', 'Customer Support', 'AUS', 'CC800'),
  ('RND', 'Research', 'SFO', 'CC900')
) v(dept_cd, dept_nm, loc_cd, cost_ctr);

CREATE TABLE lake.payroll.emps AS
SELECT CAST(10001 + i AS INTEGER) AS emp_id,
  ['James', 'Maria', 'Wei', 'Fatima', 'Robert', 'Aisha', 'Carlos', 'Linda', 'Arjun', 'Grace', 'Pavel', 'Olga',
   'Kwame', 'Sarah', 'Tariq', 'Elena', 'Jin', 'Rosa', 'Henrik', 'Chen', 'Mei', 'David', 'Lucia', 'Samuel'][1 + h0 % 24] AS first_nm,
  ['Johnson', 'Lopez', 'Zhang', 'Rahman', 'Brown', 'Bello', 'Santos', 'Miller', 'Patel', 'Wilson', 'Petrov',
   'Kuznetsova', 'Mensah', 'Taylor', 'Aziz', 'Popescu', 'Park', 'Alvarez', 'Lind', 'Wu', 'Sato', 'Clark'][1 + h1 % 22] AS last_nm,
  CASE WHEN i < 9 THEN ['FIN', 'ENG', 'OPS', 'MKT', 'HRS', 'SLS', 'LGL', 'SUP', 'RND'][1 + i]
       ELSE ['FIN', 'FIN', 'ENG', 'ENG', 'ENG', 'ENG', 'ENG', 'OPS', 'OPS', 'OPS', 'MKT', 'MKT', 'HRS',
             'SLS', 'SLS', 'SLS', 'SLS', 'LGL', 'SUP', 'SUP', 'SUP', 'RND', 'RND'][1 + h2 % 23] END AS dept_cd,
  ttl AS job_ttl,
  CAST(CASE WHEN i < 9 THEN NULL WHEN i < 45 THEN 10001 + h3 % 9 ELSE 10010 + (h3 % 36) * (18 + h0 % 19) // 36 END AS INTEGER) AS mgr_id,
  hire_dt,
  CASE WHEN i >= 9 AND h4 % 100 < 22 THEN least(hire_dt + CAST(90 + h5 % 2400 AS INTEGER), DATE '2025-06-20') END AS term_dt,
  (i < 45 OR h6 % 10 <> 0) AS ft_flg,
  CAST(round([210000, 150000, 118000, 96000, 82000, 64000, 52000][lvl] * (0.85 + (h5 % 300) / 1000.0), -2) AS DECIMAL(10, 2)) AS base_sal
FROM (SELECT *,
        CASE WHEN i < 9 THEN 1 WHEN i < 45 THEN 2 ELSE [3, 4, 4, 5, 5, 5, 6, 6, 6, 7][1 + h7 % 10] END AS lvl,
        CASE WHEN i < 9 THEN 'Director' WHEN i < 45 THEN 'Manager'
             ELSE ['Principal', 'Senior', 'Senior', 'Specialist', 'Specialist', 'Specialist', 'Associate', 'Associate', 'Associate', 'Assistant'][1 + h7 % 10] END AS ttl,
        DATE '2012-01-01' + CAST(h8 % 4880 AS INTEGER) AS hire_dt
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
              (i * 1597334677) % 4294967296 // 65536 AS h8
            FROM range(720) r(i)));

CREATE TABLE lake.payroll.pay_stmts AS
SELECT CAST(row_number() OVER (ORDER BY pay_dt, emp_id) AS BIGINT) AS stmt_id, emp_id, pay_dt,
  CAST(reg_amt + ot_amt + bonus_amt AS DECIMAL(10, 2)) AS gross_amt,
  CAST(ot_hrs AS DECIMAL(5, 1)) AS ot_hrs,
  CAST(bonus_amt AS DECIMAL(10, 2)) AS bonus_amt,
  CAST(round((reg_amt + ot_amt + bonus_amt) * tax_rt, 2) AS DECIMAL(10, 2)) AS tax_amt,
  CAST(reg_amt + ot_amt + bonus_amt - round((reg_amt + ot_amt + bonus_amt) * tax_rt, 2) AS DECIMAL(10, 2)) AS net_amt
FROM (SELECT *, round(ot_hrs * base_sal / 2080 * 1.5, 2) AS ot_amt
      FROM (SELECT e.emp_id, e.base_sal, p.pay_dt,
              round(e.base_sal / 12 * CASE WHEN e.ft_flg THEN 1 ELSE 0.5 END, 2) AS reg_amt,
              CASE WHEN e.job_ttl IN ('Director', 'Manager', 'Principal') THEN 0
                   WHEN (e.emp_id * 7 + month(p.pay_dt) * 13) % 5 = 0 THEN ((e.emp_id + month(p.pay_dt) * 3 + year(p.pay_dt)) % 24) * 0.5
                   ELSE 0 END AS ot_hrs,
              CASE WHEN month(p.pay_dt) = 12 AND e.emp_id % 3 <> 0 THEN round(e.base_sal * (0.03 + (e.emp_id % 7) * 0.01), 2)
                   WHEN month(p.pay_dt) = 3 AND e.dept_cd = 'SLS' THEN round(e.base_sal * 0.05, 2)
                   ELSE 0 END AS bonus_amt,
              0.22 + (e.emp_id % 9) * 0.015 AS tax_rt
            FROM lake.payroll.emps e
            JOIN (SELECT CAST(last_day(CAST(d AS DATE)) AS DATE) AS pay_dt
                  FROM generate_series(TIMESTAMP '2023-01-01', TIMESTAMP '2025-06-01', INTERVAL 1 MONTH) g(d)) p
              ON p.pay_dt >= e.hire_dt AND (e.term_dt IS NULL OR p.pay_dt <= e.term_dt)));

CREATE TABLE lake.payroll.pto_reqs AS
SELECT CAST(90001 + i AS INTEGER) AS req_id,
  CAST(10001 + h0 % 720 AS INTEGER) AS emp_id,
  ['VAC', 'VAC', 'VAC', 'VAC', 'SICK', 'SICK', 'SICK', 'PERS', 'PERS', 'BRVT'][1 + h1 % 10] AS pto_typ,
  start_dt,
  start_dt + CAST(days - 1 AS INTEGER) AS end_dt,
  CAST(days * 8 AS DECIMAL(5, 1)) AS hrs,
  start_dt - CAST(1 + h3 % 45 AS INTEGER) AS sub_dt,
  CASE WHEN start_dt > DATE '2025-06-10' AND h4 % 2 = 0 THEN 'PEND'
       WHEN h4 % 13 = 0 THEN 'DENY' ELSE 'APPR' END AS status_cd
FROM (SELECT *, DATE '2023-01-02' + CAST(h2 % 910 AS INTEGER) AS start_dt, CAST([1, 1, 1, 2, 2, 3, 5, 5, 10][1 + h5 % 9] AS INTEGER) AS days
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(2600) r(i)));
