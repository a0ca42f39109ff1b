/**
 * A loopback listener that never accepts, with its backlog filled: further connection
 * attempts hang (the kernel drops their SYNs), so a client's connect timeout fires.
 * Node accepts every connection by itself, hence the small python3 listener.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

export interface FullBacklog extends AsyncDisposable {
  port: number
}

export async function startFullBacklog(): Promise<FullBacklog> {
  const listener = spawn('python3', [
    '-c',
    "import socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()",
  ])
  const [line] = (await once(listener.stdout!, 'data')) as [Buffer]
  const port = Number(String(line).trim())
  const fillers: Socket[] = []
  for (let i = 0; i < 4; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    fillers.push(socket)
  }
  await new Promise((resolve) => setTimeout(resolve, 100))
  return {
    port,
    async [Symbol.asyncDispose]() {
      for (const socket of fillers) socket.destroy()
      listener.stdin!.end()
      listener.kill()
      await once(listener, 'exit')
    },
  }
}
