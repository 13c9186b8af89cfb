--
-- dnsdoctor as an iptables target (xtable): the same rewrite as nf_dnsdoctor, where a rule puts
-- it; what to rewrite comes in the rule's userargs, which libxt_dnsdoctor.lua makes.
--   sudo lunatik run examples/dnsdoctor/dnsdoctor false
--   sudo lunatik iptables -t mangle -A PREROUTING -p udp --sport 53 -j dnsdoctor
--

local xt = require("xtable")
local common = require("examples.dnsdoctor.common")

local function nop() end

xt.target{
	name = "dnsdoctor",
	revision = 0,
	family = xt.family.UNSPEC,
	proto = 0,
	hooks = 0,
	target = function(skb, par, userargs)
		local name, client, doctored = string.unpack(">s4I4I4", userargs)
		common.doctor(skb, 0, name, client, doctored)
		return xt.action.ACCEPT
	end,
	checkentry = nop,
	destroy = nop,
}
