package netsim

import (
	"net"
	"net/netip"
	"strings"
)

// Name resolution in a simulation: a node's name is its host name (matched
// without regard to case, a trailing dot ignored), "localhost" is
// 127.0.0.1, and IP literals stand for themselves. Every other name is not
// found, as net reports it: a *net.DNSError with IsNotFound. Nodes resolve
// whether they are up or not, as a hosts file would.

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupNetIP returns the addresses of host.
func (n *Net) LookupNetIP(host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	name := strings.TrimSuffix(host, ".")
	if strings.EqualFold(name, "localhost") || len(name) > len(".localhost") && strings.HasSuffix(strings.ToLower(name), ".localhost") {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}, nil
	}
	if name != "" {
		for _, x := range n.sim.Nodes() {
			if strings.EqualFold(x.Name(), name) {
				return []netip.Addr{x.Addr()}, nil
			}
		}
	}
	return nil, notFound(host)
}

// LookupAddr returns the names of the node with address addr.
func (n *Net) LookupAddr(addr string) ([]string, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "unrecognized address", Name: addr}
	}
	a = a.Unmap()
	if a.IsLoopback() {
		return []string{"localhost"}, nil
	}
	if x := n.sim.NodeByAddr(a); x != nil {
		return []string{x.Name()}, nil
	}
	return nil, notFound(addr)
}

// LookupCNAME returns the canonical name of host: the node's name, as
// spelled when it was created, with a trailing dot.
func (n *Net) LookupCNAME(host string) (string, error) {
	if _, err := n.LookupNetIP(host); err != nil {
		return "", err
	}
	name := strings.TrimSuffix(host, ".")
	for _, x := range n.sim.Nodes() {
		if strings.EqualFold(x.Name(), name) {
			return x.Name() + ".", nil
		}
	}
	return name + ".", nil
}

// services is net's built-in table of service ports (used when a machine
// has no /etc/services): the simulation never reads the host's files.
var services = map[string]map[string]int{
	"udp": {"domain": 53},
	"tcp": {
		"ftp": 21, "ftps": 990, "gopher": 70, "http": 80, "https": 443, "imap2": 143, "imap3": 220,
		"imaps": 993, "pop3": 110, "pop3s": 995, "smtp": 25, "submissions": 465, "ssh": 22, "telnet": 23,
	},
}

// LookupPort returns the port of service on network, like net.LookupPort
// over net's built-in service table.
func LookupPort(network, service string) (int, error) {
	port, needsLookup := parsePort(service)
	if needsLookup {
		var protos []string
		errNet := ""
		switch network {
		case "tcp", "tcp4", "tcp6":
			protos, errNet = []string{"tcp"}, "tcp"
		case "udp", "udp4", "udp6":
			protos, errNet = []string{"udp"}, "udp"
		case "ip", "":
			protos, errNet = []string{"tcp", "udp"}, "ip"
		default:
			return 0, &net.AddrError{Err: "unknown network", Addr: network}
		}
		found := false
		for _, proto := range protos {
			if port, found = services[proto][strings.ToLower(service)]; found {
				break
			}
		}
		if !found {
			return 0, &net.DNSError{Err: "unknown port", Name: errNet + "/" + service, IsNotFound: true}
		}
	}
	if port < 0 || port > 65535 {
		return 0, &net.AddrError{Err: "invalid port", Addr: service}
	}
	return port, nil
}

// parsePort is net's: a decimal port (service "" is port 0), or needsLookup.
func parsePort(service string) (port int, needsLookup bool) {
	if service == "" {
		return 0, false
	}
	const (
		max    = uint32(1<<32 - 1)
		cutoff = uint32(1 << 30)
	)
	neg := false
	if service[0] == '+' {
		service = service[1:]
	} else if service[0] == '-' {
		neg = true
		service = service[1:]
	}
	var n uint32
	for _, d := range service {
		if '0' <= d && d <= '9' {
			d -= '0'
		} else {
			return 0, true
		}
		if n >= cutoff {
			n = max
			break
		}
		n *= 10
		nn := n + uint32(d)
		if nn < n || nn > max {
			n = max
			break
		}
		n = nn
	}
	if !neg && n >= cutoff {
		port = int(cutoff - 1)
	} else if neg && n > cutoff {
		port = int(cutoff)
	} else {
		port = int(n)
	}
	if neg {
		port = -port
	}
	return port, false
}

// Resolve resolves address ("host:port") on network (tcp, tcp4, tcp6, udp,
// udp4, udp6) as net's ResolveTCPAddr and ResolveUDPAddr do, to an IP (nil
// for an empty host) and a port.
func (n *Net) Resolve(network, address string) (net.IP, int, string, error) {
	host, portnum := "", 0
	if address != "" {
		h, p, err := net.SplitHostPort(address)
		if err != nil {
			return nil, 0, "", err
		}
		if portnum, err = LookupPort(network, p); err != nil {
			return nil, 0, "", err
		}
		host = h
	}
	if host == "" {
		return nil, portnum, "", nil
	}
	var addrs []netip.Addr
	zone := ""
	if a, err := netip.ParseAddr(host); err == nil {
		addrs, zone = []netip.Addr{a.WithZone("")}, a.Zone()
	} else {
		var err error
		if addrs, err = n.LookupNetIP(host); err != nil {
			return nil, 0, "", err
		}
	}
	// net prefers IPv4 on a dual-stack network; only the families of
	// network qualify.
	var first netip.Addr
	for _, a := range addrs {
		switch f := family(network); {
		case f == 4 && !a.Unmap().Is4(), f == 6 && a.Unmap().Is4():
			continue
		}
		if !first.IsValid() || a.Unmap().Is4() && !first.Unmap().Is4() {
			first = a
		}
	}
	if !first.IsValid() {
		return nil, 0, "", &net.AddrError{Err: errNoSuitableAddress, Addr: host}
	}
	ip := net.IP(first.AsSlice())
	if first.Is4() {
		ip = ip.To16()
	}
	return ip, portnum, zone, nil
}
