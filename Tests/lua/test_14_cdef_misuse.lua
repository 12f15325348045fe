-- SPEC section 14: alien.cdef misused. Syntax errors, unknown types,
-- conflicting redefinitions, huge arrays, deep nesting, random bytes, a
-- megabyte of declarations, unfinished declarations, constant expressions
-- that trap in careless arithmetic, and the new functions (alien.new,
-- alien.offsetof, alien.typeof) given wrong arguments. Each must be a Lua
-- error or a success, never a crash or a hang, and the Lua state must go on
-- working afterwards.
--
-- Every source case runs twice: first in a child interpreter (the one running
-- this suite, arg[-n]), so that a crash (a stack overflow, a Swift trap) or a
-- hang fails that one test instead of ending the suite; then, when the child
-- survived, in this Lua state, where the expectations are checked (and
-- valgrind sees it under make check-memory).
local alien = require "alien"
-- A function is typed from its declaration when it is first looked up, and
-- alien.default's function objects are shared with the rest of the suite,
-- which typed some of them by hand before this file runs (gettimeofday,
-- qsort, snprintf...). So the C library through a library object of its own.
local libc = alien.load("c")
local lib = alien.load(TESTLIB)

local function cdef(source) return alien.cdef(source) end

local LUA = LUA_INTERPRETER     -- the interpreter running this suite
-- Under valgrind (make check-memory) everything in this process is ~40 times slower.
-- Time limits are for the release module; under valgrind and with the debug
-- build (unoptimised Swift, about 100 times slower here) they stretch.
local under_valgrind = (os.getenv("LD_PRELOAD") or ""):find("vgpreload", 1, true)
local debug_build = (package.searchpath and package.searchpath("alien", package.cpath) or ""):find("debug", 1, true)
local SLOW = under_valgrind and 40 or debug_build and 40 or 1

local load_code = loadstring or load

-- A child interpreter: setup, then cdef of the case's source, then the
-- case's after-check, then whether alien still works. Prints what happened.
local CHILD = [==[
local alien = require "alien"
local SETUP, CODE, AFTER = %s, %s, %s
local load_code = loadstring or load
if SETUP then alien.cdef(SETUP) end
local src = assert(load_code(CODE))()
io.write("START\n"); io.flush()
local ok, err = pcall(function() return alien.cdef(src) end)
if ok then io.write("RESULT ok\n") else io.write("RESULT error ", (tostring(err):gsub("[\r\n]", " ")):sub(1, 400), "\n") end
io.flush()
if AFTER then
  local aok, aerr = pcall(assert(load_code(AFTER)), alien, ok, err)
  io.write(aok and "AFTER ok\n" or ("AFTER failed " .. tostring(aerr) .. "\n")); io.flush()
end
local works, why = pcall(function()
  alien.cdef("struct tl_cd_child_after { int a; double b; }; int abs(int);")
  assert(alien.sizeof("struct tl_cd_child_after") == 16)
  assert(alien.default.abs(-7) == 7)
end)
io.write(works and "WORKS\n" or ("BROKEN " .. tostring(why) .. "\n"))
]==]

local function quote(s) return s and ("%q"):format(s) or "nil" end

local function in_child(c)
  if not LUA then return end   -- no interpreter to start: the case runs only here
  local base = os.tmpname()
  write_file(base .. ".lua", CHILD:format(quote(c.setup), quote(c.code), quote(c.after)))
  local command = ("%s'%s' '%s.lua' 2>&1; echo \"EXIT=$?\""):format(
    HAVE_TIMEOUT and "timeout 120 " or "", (LUA:gsub("'", "'\\''")), base)
  local p = assert(io.popen(command))
  local out = p:read("*a")
  p:close()
  os.remove(base); os.remove(base .. ".lua")
  if not out:find("\nRESULT ", 1, true) and not out:find("^RESULT ") then
    error("alien.cdef did not return in a child interpreter (a crash or a hang): " .. out:sub(-800), 0)
  end
  if not out:find("\nWORKS\n", 1, true) then
    error("alien did not go on working in the child interpreter: " .. out:sub(-800), 0)
  end
  return out
end

local works_count = 0
-- The state goes on: new declarations, instances and calls work.
local function state_works()
  works_count = works_count + 1
  local name = "tl_cd_works_" .. works_count
  cdef(("struct %s { int a; double b; }; typedef struct %s %s_t; int abs(int);"):format(name, name, name))
  eq(alien.sizeof(name .. "_t"), 16)
  local s = alien.new("struct " .. name)
  s.b = 2.5
  eq(s.b, 2.5)
  eq(libc.abs(-7), 7)
  eq(alien.sizeof("int"), 4)
end

-- The cases: expect is "error" (cdef must raise), "ok" (must succeed) or
-- "any"; has lists substrings of the error message; code is Lua source
-- returning the C text (so the child builds the same text); after is Lua
-- source run with (alien, ok, err) after the cdef.
local cases = {}
local function case(name, expect, code, options)
  options = options or {}
  cases[#cases + 1] = { name = name, expect = expect, code = code, has = options.has, after = options.after,
                        setup = options.setup, limit = options.limit or 10 }
end
local function text(s) return ("return %q"):format(s) end

-- Syntax errors: the line and the offending token are in the message.
case("a stray '=' on line 3", "error", text("int tl_cd_se0;\nint tl_cd_se00;\nint = 5;\n"), { has = { "line 3", "=" } })
case("an empty parameter after a comma", "error", text("int tl_cd_se1(int a, ) ;"), { has = { "line 1", ")" } })
case("a field without its ';'", "error", text("struct tl_cd_se2 { int x; int y };"), { has = { "line 1", "}" } })
case("a character C has no use for", "error", text("\n\n\n\n     int tl_cd_se3 @;"), { has = { "line 5", "@" } })
case("a typedef without its ';'", "error", text("typedef int tl_cd_se4_t\nint tl_cd_se5;"), { has = { "line 2", "int" } })
case("a type after a prototype", "error", text("int tl_cd_se6(int a) int;"), { has = { "line 1", "int" } })
case("an enum value missing", "error", text("enum tl_cd_se7 { TL_SE7_A = , TL_SE7_B };"), { has = { "line 1", "," } })
case("an unclosed array bound", "error", text("int tl_cd_se8[;"), { has = { "line 1", ";" } })
case("a number as a declarator", "error", text("struct { int a; } ;;\n int 5;"), { has = { "line 2", "5" } })
case("a keyword as a name", "error", text("int int;"), { has = { "line 1", "int" } })
case("a keyword as a typedef name", "error", text("typedef int struct;"), { has = { "line 1" } })
case("an error after a megabyte of blank lines", "error",
  [[return ("\n"):rep(1048576) .. "int = ;"]], { has = { "line 1048577", "=" } })

-- Unknown type names.
local function names_one_of(...)
  local names = { ... }
  return ([[
    local alien, ok, err = ...
    if ok then return end
    for _, n in ipairs { %s } do if tostring(err):find(n, 1, true) then return end end
    error("the message names neither the unknown type nor the declaration: " .. tostring(err))
  ]]):format(table.concat((function() local q = {} for i, n in ipairs(names) do q[i] = ("%q"):format(n) end return q end)(), ", "))
end
case("an unknown type name as a result", "error", text("tl_cd_unknown_t tl_cd_uk1(void);"),
  { after = names_one_of("tl_cd_unknown_t", "tl_cd_uk1") })
case("an unknown type name as a field", "error", text("struct tl_cd_uk2 { tl_cd_unknown2_t x; };"),
  { after = names_one_of("tl_cd_unknown2_t", "x") })
case("an unknown type name as a parameter", "error", text("int tl_cd_uk3(tl_cd_unknown3_t a);"),
  { after = names_one_of("tl_cd_unknown3_t", "a") })
case("an incomplete struct by value in a struct", "error", text("struct tl_cd_uk4 { struct tl_cd_never4 x; };"))
case("an array of an incomplete union", "error", text("struct tl_cd_uk5 { union tl_cd_never5 u[2]; };"))
case("a struct containing itself", "error", text("struct tl_cd_self { int a; struct tl_cd_self s; };"))
case("sizeof an incomplete struct", "error", text("enum { TL_UK_S = sizeof(struct tl_cd_never6) };"))
case("an unknown constant as an array size", "error", text("int tl_cd_uk7[TL_CD_NO_SUCH_CONSTANT];"))
case("an unknown constant in an enum", "error", text("enum { TL_UK_8 = TL_CD_NO_SUCH_CONSTANT + 1 };"))
case("a pointer to an undeclared struct is fine", "ok", text("struct tl_cd_never9 *tl_cd_uk9(struct tl_cd_never9 *p);"))

-- Conflicting redefinitions; the first definition stands.
local function stands(lua_check) return "local alien, ok, err = ...\n" .. lua_check end
case("a struct redefined with another field type", "error", text("struct tl_cd_cf1 { long a; };"),
  { setup = "struct tl_cd_cf1 { int a; };", after = stands("assert(alien.sizeof('struct tl_cd_cf1') == 4)") })
case("a struct tag reused for a union", "error", text("union tl_cd_cf1b { int a; };"),
  { setup = "struct tl_cd_cf1b { int a; char b; };", after = stands("assert(alien.sizeof('struct tl_cd_cf1b') == 8)") })
case("a typedef redefined", "error", text("typedef unsigned long tl_cd_cf2_t;"),
  { setup = "typedef int tl_cd_cf2_t;", after = stands("assert(alien.sizeof('tl_cd_cf2_t') == 4)") })
case("a typedef name declared as a function", "error", text("int tl_cd_cf3_t(void);"),
  { setup = "typedef int tl_cd_cf3_t;", after = stands("assert(alien.sizeof('tl_cd_cf3_t') == 4)") })
case("an enum constant redefined", "error", text("enum tl_cd_cf4b { TL_CF4_A = 2 };"),
  { setup = "enum tl_cd_cf4 { TL_CF4_A = 1 };", after = stands("assert(alien.constants.TL_CF4_A == 1)") })
case("a function redeclared with another parameter", "error", text("int tl_cd_cf5(long);"),
  { setup = "int tl_cd_cf5(int);" })
case("a variadic function redeclared fixed", "error", text("int tl_cd_cf6(int);"),
  { setup = "int tl_cd_cf6(int, ...);" })
case("a packed struct redefined unpacked", "error", text("struct tl_cd_cf7 { char c; int a; };"),
  { setup = "struct tl_cd_cf7 { char c; int a; } __attribute__((packed));",
    after = stands("assert(alien.sizeof('struct tl_cd_cf7') == 5)") })
case("an array field redefined longer", "error", text("struct tl_cd_cf8 { int a[3]; };"),
  { setup = "struct tl_cd_cf8 { int a[2]; };", after = stands("assert(alien.sizeof('struct tl_cd_cf8') == 8)") })

-- Huge arrays.
case("a char array of 10^18 bytes", "any", text("struct tl_cd_huge1 { char a[1000000000000000000]; };"), {
  after = [[
    local alien, ok = ...
    if ok then
      assert(alien.sizeof("struct tl_cd_huge1") == 1000000000000000000, "the size is exact")
      assert(not pcall(alien.new, "struct tl_cd_huge1"), "alien.new of 10^18 bytes is an error")
    end
  ]] })
case("an int array of 2^62 elements (2^64 bytes)", "error", text("struct tl_cd_huge2 { int a[4611686018427387904]; };"))
case("four fields of 2^62 bytes", "error",
  text("struct tl_cd_huge3 { char a[4611686018427387904]; char b[4611686018427387904]; char c[4611686018427387904]; char d[4611686018427387904]; };"))
case("a three-dimensional array of 10^27 doubles", "error",
  text("struct tl_cd_huge4 { double m[1000000000][1000000000][1000000000]; };"))
case("an array of INT64_MAX bytes", "any", text("typedef char tl_cd_huge5[9223372036854775807];"))
case("an array size past 2^64", "error", text("typedef char tl_cd_huge6[99999999999999999999999];"))
case("a negative array size", "error", text("struct tl_cd_huge7 { char a[-1]; };"))
case("an array size divided by zero", "error", text("struct tl_cd_huge8 { char a[1 / 0]; };"))
case("a huge array parameter decays to a pointer", "any", text("int tl_cd_huge9(char a[99999999999999]);"))

-- Constant expressions that trap in careless arithmetic.
case("division by zero in an enum", "error", text("enum { TL_AR_DIV0 = 1 / 0 };"))
case("remainder by zero in an enum", "error", text("enum { TL_AR_MOD0 = 1 % 0 };"))
case("INT64_MIN / -1", "any", text("enum { TL_AR_MIN = (-9223372036854775807 - 1) / -1 };"))
case("INT64_MIN % -1", "any", text("enum { TL_AR_MINMOD = (-9223372036854775807 - 1) % -1 };"))
case("a multiplication past INT64_MAX", "any", text("enum { TL_AR_MUL = 9223372036854775807 * 2 };"))
case("an addition past INT64_MAX", "any", text("enum { TL_AR_ADD = 9223372036854775807 + 1 };"))
case("negating INT64_MIN", "any", text("enum { TL_AR_NEG = -(-9223372036854775807 - 1) };"))
case("shifts by 64, 100 and -1", "any", text("enum { TL_AR_SHL = 1 << 64, TL_AR_SHR = 1 >> 100, TL_AR_SHN = 1 << -1 };"))
case("an integer literal past 2^64", "any", text("enum { TL_AR_BIG = 99999999999999999999999999 };"))
case("UINT64_MAX as a literal", "any", text("enum { TL_AR_UMAX = 18446744073709551615 };"))
case("an enum value past INT_MAX", "any", text("enum { TL_AR_WIDE = 4294967296 };"))
case("sizeof of a function type", "any", text("enum { TL_AR_SZF = sizeof(int (int)) };"))
case("a malformed number", "error", text("enum { TL_AR_BADNUM = 0x };"))
case("a number with letters", "error", text("enum { TL_AR_BADNUM2 = 12abc };"))

-- Deep nesting: a Lua error or a success, never a stack overflow.
case("10000 nested parentheses in a declarator", "any",
  [[return "int " .. ("("):rep(10000) .. "tl_cd_deep_p" .. (")"):rep(10000) .. ";"]])
case("a million nested parentheses in a declarator", "any",
  [[return "int " .. ("("):rep(1000000) .. "tl_cd_deep_q" .. (")"):rep(1000000) .. ";"]])
case("100000 pointer stars", "any", [[return "int " .. ("*"):rep(100000) .. "tl_cd_deep_s;"]])
case("10000 nested structs", "any", [[
  local t = {}
  for i = 1, 10000 do t[#t + 1] = "struct tl_cd_dn" .. i .. " { " end
  t[#t + 1] = "int x; "
  for i = 10000, 2, -1 do t[#t + 1] = "} f" .. i .. "; " end
  t[#t + 1] = "};"
  return table.concat(t)]])
case("100000 nested structs", "any", [[
  return "struct tl_cd_dm { " .. ("struct { "):rep(100000) .. "int x; " .. ("} f; "):rep(100000) .. "};"]])
case("10000 nested anonymous unions", "any",
  [[return "struct tl_cd_du { " .. ("union { "):rep(10000) .. "int x; " .. ("}; "):rep(10000) .. "};"]])
case("a million nested parentheses in an enum value", "any",
  [[return "enum { TL_CD_DEEP_E = " .. ("("):rep(1000000) .. "1" .. (")"):rep(1000000) .. " };"]])
case("a million unary minuses", "any", [[return "enum { TL_CD_DEEP_U = " .. ("- "):rep(1000000) .. "1 };"]])
case("a million nested conditionals", "any",
  [[return "enum { TL_CD_DEEP_C = " .. ("1 ? "):rep(1000000) .. "1" .. (" : 0"):rep(1000000) .. " };"]])
case("a long chain of additions", "any", [[return "enum { TL_CD_DEEP_A = 1" .. (" + 1"):rep(300000) .. " };"]])
case("1000 nested function pointers", "any", [[
  local d = "tl_cd_deep_f"
  for i = 1, 1000 do d = "(*" .. d .. ")(void)" end
  return "int " .. d .. ";"]])
case("100000 nested function-pointer parameters", "any",
  [[return "void tl_cd_deep_g(" .. ("void (*)("):rep(100000) .. "int" .. (")"):rep(100000) .. ");"]])
case("a million nested casts", "any", [[return "enum { TL_CD_DEEP_Z = " .. ("(int)"):rep(1000000) .. "1 };"]])
case("a million nested sizeof(", "any",
  [[return "enum { TL_CD_DEEP_Y = " .. ("sizeof("):rep(1000000) .. "int" .. (")"):rep(1000000) .. " };"]])
case("a million nested attributes", "any",
  [[return "struct tl_cd_deep_at { int a; } __attribute__(" .. ("("):rep(1000000) .. (")"):rep(1000000) .. ");"]])

-- Random bytes and random C-looking text, from fixed seeds (the same on every Lua).
local function random_code(seed, body)
  return ([[
    local x, t = %d, {}
    local function rand(n) x = x * 16807 %% 2147483647; return x %% n end
    %s
    return table.concat(t)]]):format(seed, body)
end
for seed = 1, 4 do
  case("random bytes, seed " .. seed, "any", random_code(seed, [[
    for i = 1, 4096 do t[i] = string.char(rand(256)) end]]))
end
for seed = 5, 8 do
  case("random C characters, seed " .. seed, "any", random_code(seed, [[
    local chars = "{}()[];,*=:?<>+-/%&|^~!.'\"# \n\t\\abcdefxyz_0123456789ULx"
    for i = 1, 4096 do local k = rand(#chars) + 1; t[i] = chars:sub(k, k) end]]))
end
local VOCABULARY = {
  "struct", "union", "enum", "typedef", "int", "char", "long", "unsigned", "signed", "short", "const",
  "volatile", "restrict", "__restrict", "void", "double", "float", "_Bool", "size_t", "uint8_t", "extern",
  "static", "inline", "__inline", "__extension__", "_Static_assert", "__asm__", "__attribute__",
  "__builtin_va_list", "sizeof", "*", "(", ")", "[", "]", "{", "}", ";", ",", "=", "...", ":", "?", "+",
  "-", "/", "%", "<<", ">>", "&", "|", "^", "~", "!", "0", "1", "7", "-1", "0x10", "1ULL", "'a'",
  "\"s\"", "((packed))", "((aligned(8)))", "((aligned(3)))", "((noreturn))", "(\"sym\")",
  "tl_rnd_a", "tl_rnd_b", "tl_rnd_t", "TL_RND_K", "\n",
}
local vocabulary = {}
for i, w in ipairs(VOCABULARY) do vocabulary[i] = ("%q"):format(w) end
for seed = 9, 16 do
  -- one source of random tokens, then (in the after-check) 300 declarations
  -- each a valid beginning, random tokens and maybe a valid end, so that the
  -- garbage reaches every part of the reader
  case("random C tokens, seed " .. seed, "any", random_code(seed, ([[
    local words = { %s }
    for i = 1, 3000 do t[#t + 1] = words[rand(#words) + 1]; t[#t + 1] = " " end]]):format(table.concat(vocabulary, ", "))),
    { after = ([[
    local alien = ...
    local x = %d
    local function rand(n) x = x * 16807 %% 2147483647; return x %% n end
    local words = { %s }
    local starts = { "struct tl_rnd_s%%d { ", "int tl_rnd_f%%d(", "typedef ", "enum tl_rnd_e%%d { TL_RND_%%d = ",
                     "int tl_rnd_v%%d[", "void (*tl_rnd_p%%d)(", "struct tl_rnd_q%%d { int a; } __attribute__((",
                     "int tl_rnd_g%%d(void) __asm__(", "union { ", "int (*(*tl_rnd_h%%d)(", "static inline int tl_rnd_i%%d(void) { " }
    local ends = { "", ";", ");", "};", "] ;", "));", "} x;", ") ;" }
    for k = 1, 300 do
      local t = { (starts[rand(#starts) + 1]:gsub("%%%%d", tostring(%d * 1000 + k))) }
      for i = 1, rand(30) + 1 do t[#t + 1] = words[rand(#words) + 1] end
      t[#t + 1] = ends[rand(#ends) + 1]
      local ok, err = pcall(alien.cdef, table.concat(t, " "))
      assert(ok or type(err) == "string", "an error is a message")
    end
  ]]):format(seed, table.concat(vocabulary, ", "), seed) })
end
-- Declarations cut short at every length, each cut its own cdef (in the after-check).
case("declarations cut at every byte", "ok", text(""), { after = [[
  local alien = ...
  for _, d in ipairs {
    "typedef struct tl_cd_cut { int a[4]; union { char c; double d; } u; void (*f)(int, ...); } __attribute__((packed)) tl_cd_cut_t;",
    "enum tl_cd_cut_e { TL_CD_CUT_A = 1 << 2, TL_CD_CUT_B = sizeof(int) * (3 + 1), TL_CD_CUT_C = 'x' };",
    "extern int tl_cd_cut_f(const char *restrict s, int (*cb)(void *, int), ...) __asm__(\"tl_cd_cut_g\") __attribute__((__nothrow__));",
  } do
    for n = 1, #d do pcall(alien.cdef, d:sub(1, n)) end
  end
]] })

-- A megabyte of declarations: done (or refused) within a few seconds.
case("a megabyte of one declaration repeated", "any",
  [[return ("int tl_cd_rep(int a, double b);\n"):rep(1048576 / 32)]], { limit = 5 })
case("a megabyte of distinct structs", "any", [[
  local t, n = {}, 0
  for i = 1, 100000 do
    t[i] = ("struct tl_cd_many%d { int a; char b[%d]; long c; };\n"):format(i, i % 64 + 1)
    n = n + #t[i]
    if n > 1048576 then break end
  end
  return table.concat(t)]], { limit = 5 })
case("a megabyte on one line", "any", [[return ("typedef int tl_cd_line_t; "):rep(40330)]], { limit = 5 })
case("a megabyte of semicolons", "any", [[return (";"):rep(1048576)]], { limit = 5 })
case("a megabyte-long identifier", "any", [[return ("a"):rep(1048576) .. " tl_cd_longname;"]], { limit = 5 })
case("a megabyte-long string literal in an asm label", "any",
  [[return 'int tl_cd_longasm(void) __asm__("' .. ("x"):rep(1048576) .. '");']], { limit = 5 })
case("a megabyte of enum constants", "any", [[
  local t = { "enum tl_cd_bigenum { " }
  for i = 1, 60000 do t[#t + 1] = "TL_CD_BE" .. i .. " = " .. i .. " << 1, " end
  t[#t + 1] = "};"
  return table.concat(t)]], { limit = 5 })

-- Unfinished declarations: an error, with a line.
case("an unterminated struct", "error", text("struct tl_cd_unterm { int a;"), { has = { "line 1" } })
case("an unterminated enum", "error", text("enum tl_cd_unterm_e { TL_UT_A,"), { has = { "line 1" } })
case("an unterminated parameter list", "error", text("int tl_cd_unterm_f(int a"), { has = { "line 1" } })
case("a typedef at the end without its ';'", "error", text("typedef struct { int a; } tl_cd_unterm_t"), { has = { "line 1" } })
case("an unterminated attribute", "error", text("struct tl_cd_unterm2 { int a; } __attribute__((packed)"), { has = { "line 1" } })
case("an unterminated string in an asm label", "error", text("int tl_cd_unterm_g(void) __asm__(\"tl_cd"), { has = { "line 1" } })
case("an unterminated character literal", "error", text("enum { TL_UT_C = 'a };"), { has = { "line 1" } })
case("an unterminated function body", "error", text("static inline int tl_cd_unterm_h(void) { return 0;"), { has = { "line 1" } })
case("an unterminated array bound", "error", text("int tl_cd_unterm_i[10"), { has = { "line 1" } })
case("an unterminated comment", "any", text("int tl_cd_unterm_j; /* no end"))

-- Odd but harmless input.
case("a NUL byte between declarations", "any", text("int tl_cd_nul1;\0int tl_cd_nul2;"))
case("bytes past ASCII", "any", text("\239\187\191int tl_cd_bom(int);\nint caf\195\169;"))
case("comments", "any", text("/* c */ int tl_cd_cm(int); // line comment\n"))
case("preprocessor line markers (cc -E without -P)", "any", text("# 1 \"x.h\"\n# 1 \"<built-in>\" 1\nint tl_cd_pp(int);\n"))
case("a #define left in", "any", text("#define TL_CD_X 1\nint tl_cd_def(int);"))
case("a void object", "any", text("void tl_cd_inv1;"))
case("void among parameters", "any", text("int tl_cd_inv2(void, int);"))
case("an array of functions", "any", text("int tl_cd_inv3[2](int);"))
case("a function returning an array", "any", text("int tl_cd_inv4(int)[3];"))
case("a function returning a function", "any", text("int tl_cd_inv4b(int)(int);"))
case("a function as a field", "any", text("struct tl_cd_inv5 { int f(int); };"))
case("an initializer", "any", text("struct { int a; } tl_cd_inv6 = { 1 }; int tl_cd_inv7 = 5;"))
case("bit-fields: an error, or C's layout", "any", text("struct tl_cd_bf { int a : 3; int b : 5; char c; };"), {
  after = [[
    local alien, ok = ...
    if ok then assert(alien.sizeof("struct tl_cd_bf") == 4, "bit-fields packed as C packs them") end
  ]] })
case("an aligned attribute that is not a power of two", "any", text("struct tl_cd_al3 { char c; } __attribute__((aligned(3)));"))
case("an aligned attribute of 2^40", "any", text("struct tl_cd_al40 { char c; } __attribute__((aligned(1099511627776)));"))
case("an empty struct (GNU)", "any", text("struct tl_cd_empty { };"))
case("a zero-length array (GNU)", "any", text("struct tl_cd_zero { int n; char data[0]; };"))
case("a flexible array member", "any", text("struct tl_cd_flex { int n; char data[]; };"))

for _, c in ipairs(cases) do
  test("cdef misuse: " .. c.name, function()
    assert(alien.cdef)
    in_child(c)
    if c.setup then cdef(c.setup) end
    local src = assert(load_code(c.code))()
    local t0 = os.clock()
    local ok, err = pcall(cdef, src)
    local seconds = os.clock() - t0
    if c.expect == "error" then
      if ok then error("expected an error, alien.cdef succeeded", 0) end
    elseif c.expect == "ok" then
      if not ok then error("expected success, got: " .. tostring(err), 0) end
    end
    if not ok then
      eq(type(err), "string", "the error is a message")
      for _, want in ipairs(c.has or {}) do
        if not err:find(want, 1, true) then
          error(("error message %q does not contain %q"):format(err:sub(1, 300), want), 0)
        end
      end
    end
    assert(seconds < c.limit * SLOW, ("took %.2f s (limit %d s)"):format(seconds, c.limit * SLOW))
    if os.getenv("ALIEN_CDEF_MISUSE_VERBOSE") then
      print(("%s: %s in %.3f s"):format(c.name, ok and "ok" or ("error " .. tostring(err):sub(1, 200)), seconds))
    end
    if c.after then assert(load_code(c.after))(alien, ok, err) end
    state_works()
  end)
end

test("a failed definition leaves nothing half-made", function()
  assert(alien.cdef)
  assert(not pcall(cdef, "struct tl_cd_half { int a;"), "an error")
  cdef("struct tl_cd_half { int a; int b; };")
  eq(alien.sizeof("struct tl_cd_half"), 8)
  assert(not pcall(cdef, "union tl_cd_half_u { int a; double d; char c[1 / 0]; };"), "an error")
  cdef("union tl_cd_half_u { int a; };")
  eq(alien.sizeof("union tl_cd_half_u"), 4)
  state_works()
end)

test("alien.cdef of something other than a string", function()
  assert(alien.cdef)
  raises(function() alien.cdef(42) end)
  raises(function() alien.cdef(nil) end)
  raises(function() alien.cdef() end)
  raises(function() alien.cdef({}) end)
  raises(function() alien.cdef(true) end)
  raises(function() alien.cdef(function() end) end)
  raises(function() alien.cdef(alien.buffer(8)) end)
  state_works()
end)

test("alien.new, alien.offsetof, alien.typeof and type names given wrong arguments", function()
  cdef("struct tl_cd_mis_p { int x; int y; };")
  raises(function() alien.new("int") end)
  raises(function() alien.new("struct tl_cd_nowhere") end)
  raises(function() alien.new({}) end)
  raises(function() alien.new(nil) end)
  raises(function() alien.new(42) end)
  raises(function() alien.new() end)
  raises(function() alien.new("struct tl_cd_mis_p", "a string") end)
  raises(function() alien.new("struct tl_cd_mis_p", { nosuch = 1 }) end, "nosuch")
  raises(function() alien.new("struct tl_cd_mis_p", { x = "not a number" }) end)
  raises(function() alien.offsetof("struct tl_cd_mis_p", "nosuch") end, "nosuch")
  raises(function() alien.offsetof("struct tl_cd_mis_p") end)
  raises(function() alien.offsetof("struct tl_cd_mis_p", {}) end)
  raises(function() alien.offsetof("int", "x") end)
  raises(function() alien.offsetof(nil, "x") end)
  raises(function() alien.offsetof("struct tl_cd_nowhere", "x") end)
  raises(function() alien.typeof("struct tl_cd_nowhere") end)
  raises(function() alien.typeof(42) end)
  raises(function() alien.typeof(nil) end)
  eq(alien.sizeof("struct tl_cd_mis_p **"), alien.sizeof("pointer"))
  local f = lib.tl_int
  raises(function() f:types("int", "struct tl_cd_nowhere") end)
  raises(function() f:types("int", "tl_cd_no_such_t") end)
  raises(function() alien.callback(function() end, "int", "struct tl_cd_nowhere") end)
  raises(function() alien.array("struct tl_cd_nowhere", 2) end)
  raises(function() alien.buffer(8):get(1, "struct tl_cd_nowhere") end)
  raises(function() alien.defstruct { { "a", "struct tl_cd_nowhere" } } end)
  f:types("int", "int")
  eq(f(5), 5)
  local constants = alien.constants
  eq(constants.TL_CD_NO_SUCH_CONSTANT, nil)
  pcall(function() return constants[42] end)
  pcall(function() return constants[{}] end)
  state_works()
end)

test("type names that are not C are errors", function()
  cdef("struct tl_cd_mis_p { int x; int y; };")
  local wrong = {}
  for _, name in ipairs { "struct", "struct tl_cd_nowhere", "tl_cd_no_such_t", "int [", "unsigned float",
                          "int int", "", "struct tl_cd_mis_p (", "enum", "union tl_cd_mis_p", "*",
                          "long char", "short double", "signed struct tl_cd_mis_p", "int\0junk",
                          ("*"):rep(100000), "int" .. ("["):rep(100000), "int" .. ("(*"):rep(100000) } do
    local shown = #name > 40 and (name:sub(1, 20) .. "... (" .. #name .. " bytes)") or name
    local ok, size = pcall(alien.sizeof, name)
    if ok then wrong[#wrong + 1] = ("alien.sizeof(%q) is %s"):format(shown, tostring(size)) end
    ok, size = pcall(alien.align, name)
    if ok then wrong[#wrong + 1] = ("alien.align(%q) is %s"):format(shown, tostring(size)) end
  end
  state_works()
  if #wrong > 0 then error("not errors: " .. table.concat(wrong, "; "), 0) end
end)

test("calls to cdef'd functions with wrong arguments are Lua errors", function()
  cdef [[
    struct tl_cd_color { unsigned char r, g, b; };
    int tl_cd_color_sum(struct tl_cd_color c);
    int tl_cd_apply(int (*f)(int), int x);
  ]]
  -- declared already when test_14_cdef.lua ran before (with the built-in size_t)
  pcall(cdef, "int snprintf(char *str, size_t size, const char *format, ...);")
  raises(function() lib.tl_cd_color_sum({ r = 1 }) end)
  raises(function() lib.tl_cd_color_sum({ r = 1, g = 2, b = 3, q = 4 }) end)
  raises(function() lib.tl_cd_color_sum(42) end)
  raises(function() lib.tl_cd_color_sum() end)
  raises(function() lib.tl_cd_apply(42, 1) end)
  raises(function() lib.tl_cd_apply({}, 1) end)
  raises(function() lib.tl_cd_apply(nil, "not a number") end)
  raises(function() lib.tl_cd_apply(nil) end)
  raises(function() lib.tl_cd_apply(nil, 1, 2) end)
  local out = alien.buffer(16)
  raises(function() libc.snprintf(out, 16, "%s", {}) end)
  raises(function() libc.snprintf(out, 16, "%d", true) end)
  eq(libc.snprintf(out, 16, "%d", 7), 1)
  eq(lib.tl_cd_color_sum { r = 1, g = 1, b = 1 }, 6)
  state_works()
end)

test("cdef inside a coroutine and inside a callback", function()
  assert(alien.cdef)
  local co = coroutine.create(function()
    cdef("struct tl_cd_co { int a; };")
    coroutine.yield(alien.sizeof("struct tl_cd_co"))
    raises(function() cdef("struct tl_cd_co { char a; };") end)
    return "done"
  end)
  local ok, size = coroutine.resume(co)
  assert(ok, size)
  eq(size, 4)
  local ok2, r = coroutine.resume(co)
  assert(ok2, r)
  eq(r, "done")
  cdef("int tl_cd_apply(int (*f)(int), int x);")
  local cb = alien.callback(function(x)
    cdef("struct tl_cd_in_cb { double d; };")
    assert(not pcall(cdef, "struct tl_cd_in_cb { int ; };"))
    return x + alien.sizeof("struct tl_cd_in_cb")
  end, "int", "int")
  eq(lib.tl_cd_apply(cb, 1), 18)
  state_works()
end)
