package kernel

import (
	"strconv"
	"unicode/utf8"
)

// appendEvent appends ev as one JSON line, the bytes encoding/json's Encoder
// writes for it (field order, omitempty, HTML-safe escapes), at a fraction of
// the cost: reflection was a third of the price of a traced event.
func appendEvent(b []byte, ev *TraceEvent) []byte {
	b = append(b, `{"step":`...)
	b = strconv.AppendUint(b, ev.Step, 10)
	b = append(b, `,"t":`...)
	b = strconv.AppendInt(b, ev.T, 10)
	b = append(b, `,"ev":`...)
	b = appendJSONString(b, ev.Kind)
	b = appendStringField(b, `,"node":`, ev.Node)
	b = appendUintField(b, `,"g":`, ev.G)
	b = appendStringField(b, `,"pos":`, ev.Pos)
	b = appendStringField(b, `,"reason":`, ev.Reason)
	b = appendStringField(b, `,"peer":`, ev.Peer)
	b = appendUintField(b, `,"msg":`, ev.Msg)
	if ev.Size != 0 {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, int64(ev.Size), 10)
	}
	b = appendStringField(b, `,"detail":`, ev.Detail)
	return append(b, "}\n"...)
}

func appendStringField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendJSONString(append(b, key...), v)
}

func appendUintField(b []byte, key string, v uint64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendUint(append(b, key...), v, 10)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json does with HTML
// escaping on: control characters, <, > and & as \u00XX (or \n, \r, \t),
// invalid UTF-8 as \ufffd, and U+2028, U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
