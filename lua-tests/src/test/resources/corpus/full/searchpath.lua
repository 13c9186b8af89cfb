-- package.searchpath and require list every template tried, empty ones too, as lua5.4's
-- "no file" messages (pusherrornotfound), and the C searchers' part from package.cpath.
print(package.searchpath("foo", ";;?.lua"))
print(package.searchpath("foo", ""))
print(package.searchpath("foo", ";"))
print(package.searchpath("a.b.c", "x/?.lua;;y/?/init.lua;"))
print(package.searchpath("a.b", "?;?.x", "", "/"))
print(package.searchpath("a.b", "?", ".", "::"))
print(package.searchpath("a_b", "?", "_"))
print(package.searchpath("", "?"))
local old = package.path
package.path = ";;nowhere/?.lua"
package.cpath = ""
print(pcall(require, "nomod"))
package.path = ""
print(pcall(require, "nomod"))
package.path = "a/?.lua;b/?.lua"
package.cpath = "c/?.so"
print(pcall(require, "no.mod"))
package.path = old
