-- Messages name the operand that Lua's constant folding leaves, when the left side of an 'and' or
-- 'or' is a number Lua folds (arithmetic and bitwise operations of numerals), or 'not' of a constant;
-- not when the folding would raise, or give a float NaN or zero, which Lua does not fold.
local t = {}
for _, src in ipairs{"return (~100 and t.x) + 1", "return (-100 and t.x) + 1", "return (1 + 2 and t.x) + 1",
  "return (1 // 0 and t.x) + 1", "return (2^2 and t.x) + 1", "return (1.5 // 1 and t.x) + 1", "return (~1.5 and t.x) + 1",
  "return (#'a' and t.x) + 1", "return (not nil and t.x) + 1", "return ('a' .. 'b' and t.x) + 1", "return (3 & 1.0 and t.x) + 1",
  "return (0/0 and t.x) + 1", "return (-0.0 and t.x) + 1", "return (1 < 2 and t.x) + 1"} do
  print(src, select(2, pcall(load(src, "=x", "t", {t = t}))))
end
for _, src in ipairs{"return ((-100 and (~ 100 and t.x)) % 3)", "return (1 << 70 and t.x) + 1", "return (7 % -1 and t.x) + 1",
   "return (1e308 * 10 and t.x) + 1", "return (-(0.0) and t.x) + 1", "return (not 1 or t.x) + 1", "return (not not 1 and t.x) + 1",
   "return ((1 and 2) and t.x) + 1", "return (-(1 // 1) and t.x) + 1"} do
  print(src, select(2, pcall(load(src, "=x", "t", {t = t}))))
end
