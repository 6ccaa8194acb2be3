-- customers above the average
with avg_rev as (select avg(revenue) as r from lake.crm.customers)
select name, revenue from lake.crm.customers where revenue > (select r from avg_rev) and customer_id in (select customer_id from lake.sales.orders where amount > 10) order by revenue desc;
select 1; -- one

-- two
select 2
