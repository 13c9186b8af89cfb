/**
 * Linux facilities the modules need, from userspace: {@code ffm} holds the raw bindings (libc
 * through the FFM API, no native library of ours), {@code fuse} the FUSE protocol that serves
 * device files, {@code input} evdev keyboards, {@code netfilter} NFQUEUE and its rules, {@code netlink} rtnetlink, {@code power}
 * the PM QoS latency request, {@code trace} tracepoint counters. Nothing here knows about Lua.
 */
package lunatik.linux;
