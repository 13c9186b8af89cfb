--
-- filter/https: what Lunatik's eBPF program https.o does on an interface, as a netfilter hook
-- (an eBPF program cannot call into the daemon): TCP packets to port 443 that carry data (PSH)
-- go to the XDP callback of examples/filter/sni, with the offset of their payload as argument;
-- its DROP drops them, anything else lets them pass.
--   sudo lunatik run examples/filter/sni false
--   sudo lunatik run examples/filter/https false
-- Every packet coming in goes through this hook (in userspace): try it in a network namespace
-- (LUNATIK_NETNS) or on a machine without heavy traffic.
--

local nf = require("netfilter")
local xdp = require("xdp")
local data = require("data")
local linux = require("linux")

local ETH_LEN = 14
local TCP = 6
local HTTPS = 443
local PSH = 0x08

local argument = data.new(2)

local function hook(skb)
	if #skb < ETH_LEN + 20 or skb:getuint8(ETH_LEN) >> 4 ~= 4 or skb:getuint8(ETH_LEN + 9) ~= TCP then
		return nf.action.ACCEPT
	end
	local tcp = ETH_LEN + ((skb:getuint8(ETH_LEN) & 0x0F) << 2)
	if #skb < tcp + 20 or linux.ntoh16(skb:getuint16(tcp + 2)) ~= HTTPS or skb:getuint8(tcp + 13) & PSH == 0 then
		return nf.action.ACCEPT
	end
	local payload = tcp + ((skb:getuint8(tcp + 12) >> 4) << 2)
	argument:setuint16(0, linux.hton16(payload))
	local verdict = xdp.run("examples/filter/sni", skb, argument)
	return verdict == xdp.action.DROP and nf.action.DROP or nf.action.ACCEPT
end

nf.register{
	hook = hook,
	pf = nf.family.INET,
	hooknum = nf.inet_hooks.PRE_ROUTING,
	priority = nf.ip_priority.FILTER,
}
