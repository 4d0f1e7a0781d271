#!/usr/bin/python3
# smtpsink.py: a real SMTP server on 127.0.0.1 for the mail tests
# (python3-aiosmtpd; run it with /usr/bin/python3).  Each accepted
# message is stored in DIR as N.eml (the raw data) and N.env (line 1 the
# envelope sender, then one recipient per line).  RCPT TO an address
# containing "bounce" is answered 550, one containing "tempfail" 451.
#
#   /usr/bin/python3 tests/smtpsink.py DIR PORTFILE
#
# It binds a free port, writes the number to PORTFILE once it accepts
# connections, and runs until SIGTERM or SIGINT.
import asyncio
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such user here"
        if "tempfail" in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.outdir, "%d.%d" % (os.getpid(), self.n))
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".envtmp", "w") as f:
            f.write(envelope.mail_from + "\n")
            for r in envelope.rcpt_tos:
                f.write(r + "\n")
        os.rename(base + ".envtmp", base + ".env")
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: smtpsink.py DIR PORTFILE")
    outdir, portfile = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    port = free_port()
    ctl = Controller(Sink(outdir), hostname="127.0.0.1", port=port,
                     decode_data=False, data_size_limit=10 * 1024 * 1024)
    ctl.start()
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    ctl.stop()


if __name__ == "__main__":
    main()
