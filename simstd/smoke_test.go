package simstd_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/simgen/simgen/simstd"
)

func TestSmoke(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		done := simstd.NewChan[struct{}](0)
		simstd.Go(func() {
			for v := range c.Range() {
				fmt.Println("got", v)
			}
			done.Close()
		})
		for i := 0; i < 3; i++ {
			c.Send(i)
		}
		c.Close()
		done.Recv()
	})
	fmt.Printf("%+v\n", r)
	r = simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		simstd.Go(func() { c.Recv() })
		c.Recv()
	})
	fmt.Printf("%+v\n%v\n", r, r.Err)
	r = simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		simstd.Go(func() { defer fmt.Println("deferred in goexit"); runtime.Goexit() })
		simstd.Go(func() { panic("boom") })
		c.Recv()
	})
	fmt.Printf("%+v\n", r)
}
