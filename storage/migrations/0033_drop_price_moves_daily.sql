-- 0033 drops price_moves_daily: since 0032 the daily rollup carries its drops, increases and list
-- prices (copied there by 0032), and nothing reads or feeds it. Kept apart from 0032 so that a run
-- of 0032 cut short can be run again (its copy reads this table).
-- Not derived any more: nothing to rebuild.
DROP TABLE IF EXISTS price_moves_daily;
