/** The browser side of test/support/scripted-relay.ts: a relay that refuses, or says nothing. */
import { executeServerCommand } from '@web/test-runner-commands';

export interface ScriptedRelay {
  host: string;
  /** When each socket opened, in ms, oldest first. */
  attempts(): Promise<number[]>;
  stop(): Promise<void>;
}

/** A relay that closes every socket with `closeWith` as it opens, or (without) never speaks. */
export async function scriptedRelay(closeWith?: number): Promise<ScriptedRelay> {
  const { id, host } = await executeServerCommand<{ id: number; host: string }, { closeWith?: number }>('scripted-relay-start', { closeWith });
  return {
    host,
    attempts: () => executeServerCommand<number[], { id: number }>('scripted-relay-attempts', { id }),
    stop: async () => void (await executeServerCommand('scripted-relay-stop', { id })),
  };
}
