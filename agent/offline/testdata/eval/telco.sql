-- IBM Telco Customer Churn, loaded as a user would: read_csv with DuckDB's
-- type detection, the original PascalCase names kept (customerID,
-- MonthlyCharges, Churn as Yes/No). Needs ../shared/data/telco-churn.csv.
CREATE SCHEMA IF NOT EXISTS lake.telco;

CREATE TABLE lake.telco.customer_churn AS SELECT * FROM read_csv('{{data}}/telco-churn.csv', header = true);
