--
-- dnsblock as an iptables match (xtable): DNS queries for blocked names match, and the rule that
-- uses the match drops them.
--   sudo lunatik run examples/dnsblock/dnsblock false
--   sudo lunatik iptables -A OUTPUT -m dnsblock -j DROP
--   dig github.com     (times out; other names resolve)
--

local xt = require("xtable")
local common = require("examples.dnsblock.common")

local function nop() end

xt.match{
	name = "dnsblock",
	revision = 1,
	family = xt.family.UNSPEC,
	proto = 0,
	match = function(skb, par)
		return common.hook(skb, par.thoff, {drop = true, accept = false})
	end,
	checkentry = nop,
	destroy = nop,
}
