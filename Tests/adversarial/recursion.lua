-- Category 6: deep callback recursion. A callback that calls back into C
-- that calls it again, without end, must end in a Lua error on every Lua
-- (a bound on nesting), never overflow the C stack; and the state must work
-- afterwards. Moderate depth must still work.

local C, F = ...
local alien = F.alien

local function qsort() return F.c("qsort", "void", "pointer", "int", "int", "callback") end

C.error("recursion/qsort-comparator-calls-qsort", function()
  local sort = qsort()
  local cmp
  cmp = alien.callback(function(a, b)
    local inner = alien.array("int", { 2, 1 })
    sort(inner.buffer, 2, 4, cmp)
    return a - b
  end, "int", "ref int", "ref int")
  local nums = alien.array("int", { 3, 1, 2 })
  return sort, nums.buffer, 3, 4, cmp
end)
C.error("recursion/tl_call_n-callback-calls-itself-through-c", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i) return call(cb, 1) + i end, "int", "int")
  return call, cb, 1
end)
C.error("recursion/callback-calls-itself-from-lua", function()
  local cb
  cb = alien.callback(function(i) return cb(i + 1) end, "int", "int")
  return cb, 1
end)
C.error("recursion/ffi-path/callback-calls-itself-through-c", function()
  -- the same through libffi (a ref argument keeps the call off the direct path)
  local call = F.tl("tl_call_counting", "int", "callback", "int", "ref int")
  local cb
  cb = alien.callback(function(i) return (call(cb, 1, 0)) + i end, "int", "int")
  return call, cb, 1, 0
end)
C.error("recursion/pure-lua-stack-overflow-inside-callback", function()
  local function deep(n) return deep(n + 1) + 1 end
  local cb = alien.callback(function(i) return deep(i) end, "int", "int")
  return F.tl("tl_call_n", "int", "callback", "int"), cb, 1
end)
C.error("recursion/error-at-depth-50", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local depth = 0
  local cb
  cb = alien.callback(function()
    depth = depth + 1
    if depth == 50 then error("deep boom") end
    return call(cb, 1)
  end, "int", "int")
  return call, cb, 1
end, "deep boom")

C.ok("recursion/unbounded-then-state-works", function()
  local sort = qsort()
  local cmp
  cmp = alien.callback(function(a, b)
    sort(alien.array("int", { 2, 1 }).buffer, 2, 4, cmp)
    return a - b
  end, "int", "ref int", "ref int")
  local ok = pcall(sort, alien.array("int", { 3, 1, 2 }).buffer, 3, 4, cmp)
  if ok then return false, "unbounded recursion returned" end
  local good = alien.callback(function(a, b) return a - b end, "int", "ref int", "ref int")
  local nums = alien.array("int", { 3, 1, 2 })
  sort(nums.buffer, 3, 4, good)
  return nums[1] == 1 and nums[2] == 2 and nums[3] == 3, "qsort after the error gave a wrong order"
end)
C.ok("recursion/unbounded-twice", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i) return call(cb, 1) + i end, "int", "int")
  local ok1 = pcall(call, cb, 1)
  local ok2 = pcall(call, cb, 1)
  return not ok1 and not ok2 and call(alien.callback(function(i) return i end, "int", "int"), 3) == 6,
    "unbounded recursion twice, then a plain call, went wrong"
end)
for _, depth in ipairs{ 10, 40 } do
  C.ok("recursion/depth-" .. depth .. "-works", function()
    local call = F.tl("tl_call_n", "int", "callback", "int")
    local level = 0
    local cb
    cb = alien.callback(function()
      level = level + 1
      if level >= depth then return 1 end
      return call(cb, 1) + 1
    end, "int", "int")
    local r = call(cb, 1)
    return r == depth, ("a recursion of depth %d gave %s"):format(depth, tostring(r))
  end)
end
C.ok("recursion/depth-40-in-coroutine", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local level = 0
  local cb
  cb = alien.callback(function()
    level = level + 1
    if level >= 40 then return 1 end
    return call(cb, 1) + 1
  end, "int", "int")
  local co = coroutine.wrap(function() return call(cb, 1) end)
  local r = co()
  return r == 40, "a recursion of depth 40 in a coroutine gave " .. tostring(r)
end)
C.error("recursion/unbounded-in-coroutine", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i) return call(cb, 1) + i end, "int", "int")
  return coroutine.wrap(function() return call(cb, 1) end)
end)
C.error("recursion/each-level-in-new-coroutine", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i)
    return coroutine.wrap(function() return call(cb, 1) end)() + i
  end, "int", "int")
  return call, cb, 1
end)
