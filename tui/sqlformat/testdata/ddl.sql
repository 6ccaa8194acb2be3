create schema if not exists lake.demo; create table lake.demo.t (id bigint, name varchar, at timestamp);
insert into lake.demo.t values (1, 'a;b', now()), (2, $$it's$$, now());
update lake.demo.t set name = upper(name) where id = 1;
create or replace table lake.demo.u as select * exclude (at) from lake.demo.t union all select 3, 'c'
