-- A netfilter hook that accepts every packet it sees (bench/netfilter.sh): the cost of the trip
-- to userspace and back, with a Lua call in between.
local nf = require("netfilter")
nf.register{
	hook = function(skb) return nf.action.ACCEPT end,
	pf = nf.family.IPV4,
	hooknum = nf.inet_hooks.LOCAL_OUT,
	priority = nf.ip_priority.FILTER,
}
