#!/usr/bin/env python3
"""Opens N FastAGI calls for script "idle" against 127.0.0.1:PORT, waits until each got its first
command, holds them for SECONDS, then closes them. Used to measure the memory of idle calls:
    scripts/idle-agi-calls.py PORT N SECONDS"""
import socket, sys, time

port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
env = ("agi_network: yes\nagi_network_script: idle\nagi_request: agi://127.0.0.1/idle\n"
       "agi_channel: Local/idle-{0}\nagi_uniqueid: 1.{0}\nagi_callerid: 1\n\n")
sockets = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(env.format(i).encode())
    sockets.append(s)
for s in sockets:
    s.recv(100)  # the WAIT FOR DIGIT command: the call is now idle, waiting for us
print("idle calls open:", len(sockets), flush=True)
time.sleep(hold)
for s in sockets:
    s.close()
