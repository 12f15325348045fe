-- getaddrinfo: resolve numeric addresses (no network, no DNS) and walk the
-- linked list of struct addrinfo that libc allocates, then free it.
-- Library: libc (alien.default). Shows: structs declared with alien.cdef,
-- a struct filled from a table, views of foreign memory with typeof(T):new(ptr),
-- nested struct fields, a linked list followed by pointer, byte order.
local alien = require "alien"

-- Linux's layouts, written out (the real headers hide them behind macros).
alien.cdef [[
  typedef unsigned int socklen_t;
  struct sockaddr { unsigned short sa_family; char sa_data[14]; };
  struct in_addr { uint32_t s_addr; };
  struct sockaddr_in { unsigned short sin_family; uint16_t sin_port; struct in_addr sin_addr; uint8_t sin_zero[8]; };
  struct in6_addr { uint8_t s6_addr[16]; };
  struct sockaddr_in6 { unsigned short sin6_family; uint16_t sin6_port; uint32_t sin6_flowinfo;
                        struct in6_addr sin6_addr; uint32_t sin6_scope_id; };
  struct addrinfo {
    int ai_flags, ai_family, ai_socktype, ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
  };
  int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);
  void freeaddrinfo(struct addrinfo *res);
  const char *gai_strerror(int code);
  const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
  uint16_t ntohs(uint16_t n);
  enum { AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3,
         AI_NUMERICHOST = 0x4, AI_NUMERICSERV = 0x400, EAI_NONAME = -2 };
]]
local libc = alien.default
local C = alien.constants
assert(alien.sizeof("struct addrinfo") == 48 and alien.offsetof("struct addrinfo", "ai_addr") == 24)
local addrinfo, sockaddr_in, sockaddr_in6 =
  alien.typeof("struct addrinfo"), alien.typeof("struct sockaddr_in"), alien.typeof("struct sockaddr_in6")

local kinds = { [C.SOCK_STREAM] = "stream", [C.SOCK_DGRAM] = "dgram", [C.SOCK_RAW] = "raw" }

-- Every entry as "address port kind", following ai_next to NULL.
local function resolve(host, port)
  local hints = alien.new("struct addrinfo")           -- zeroed: any socket type, any protocol
  hints.ai_family = C.AF_UNSPEC                        -- IPv4 or IPv6, as the address says
  hints.ai_flags = C.AI_NUMERICHOST + C.AI_NUMERICSERV -- numbers only: never a lookup
  local res = alien.buffer(alien.sizeof("pointer"))
  local rc = libc.getaddrinfo(host, port, hints, res)
  if rc ~= 0 then return nil, rc end
  local first = res:get(1, "pointer")
  local found, text = {}, alien.buffer(64)
  local p = first
  while p do
    local ai = addrinfo:new(p)                          -- a view of libc's memory
    local sa = (ai.ai_family == C.AF_INET and sockaddr_in or sockaddr_in6):new(ai.ai_addr)
    local addr = ai.ai_family == C.AF_INET and sa.sin_addr or sa.sin6_addr
    assert(libc.inet_ntop(ai.ai_family, addr, text, #text) ~= nil, "inet_ntop")
    local port_n = libc.ntohs(ai.ai_family == C.AF_INET and sa.sin_port or sa.sin6_port)
    found[#found + 1] = ("%s %d %s"):format(text:tostring(), port_n, kinds[ai.ai_socktype])
    p = ai.ai_next
  end
  libc.freeaddrinfo(first)
  return found
end

local v4 = assert(resolve("127.0.0.1", "8080"))
print("127.0.0.1:8080 -> " .. table.concat(v4, "; "))
local all = table.concat(v4, ";") .. ";"
assert(all:find("127.0.0.1 8080 stream;", 1, true) and all:find("127.0.0.1 8080 dgram;", 1, true), "TCP and UDP")

local v6 = assert(resolve("::1", "443"))
print("[::1]:443 -> " .. table.concat(v6, "; "))
assert(v6[1]:match("^::1 443 %a+$"), "IPv6 loopback")

-- A name is refused under AI_NUMERICHOST rather than looked up.
local none, code = resolve("example.invalid", "80")
assert(none == nil and code == C.EAI_NONAME, "EAI_NONAME")
print("example.invalid -> " .. libc.gai_strerror(code))
