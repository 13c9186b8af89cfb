-- Messages name the operand that Lua's constant folding leaves: the right side of an 'and'
-- or 'or' whose left side folds to a constant, however nested.
local t = {}
print(pcall(function() return #t | ((65 and true) and t.x) end))
print(pcall(function() return 1 | ((nil or false) or t.x) end))
print(pcall(function() return 1 | ((1 and nil) or t.x) end))
print(pcall(function() return 1 | ((1 or nil) and t.x) end))
print(pcall(function() return 1 | (((1 and 2) and (3 and true)) and t.x) end))
print(pcall(function() return 1 | ((false and 1) or t.x) end))
print(pcall(function() return 1 | ((t and 1) and t.x) end))
