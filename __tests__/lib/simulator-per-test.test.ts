import { describe, expect, it } from '@jest/globals'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import { type Simulator } from '../../simulator/index.js'
import { SimulatorsOfATest } from './simulator-per-test.js'

const undocumented = async (sim: Simulator): Promise<void> => {
  await fetch(`${sim.url}/repos/acme/web/actions/nothing`, {
    headers: { authorization: 'Bearer ghs_write' }
  })
}
const listening = async (sim: Simulator): Promise<boolean> =>
  fetch(`${sim.url}/rate_limit`).then(
    () => true,
    () => false
  )

describe('SimulatorsOfATest', () => {
  describe('when a test starts two simulators and the first received a bad request', () => {
    it('should close both and fail on the first one', async () => {
      const checked: string[] = []
      const sims = new SimulatorsOfATest(sim => checked.push(sim.url))
      const first = await sims.start(scenario(repository('acme/web', [])))
      const second = await sims.start(scenario(repository('acme/web', [])))
      await undocumented(first)
      await expect(sims.finish()).rejects.toThrow('/repos/acme/web/actions/nothing')
      expect([await listening(first), await listening(second)]).toEqual([false, false])
      expect(checked).toEqual([])
    })
  })

  describe('when every simulator of a test was well used', () => {
    it('should run the extra check on each, in start order, then forget them', async () => {
      const checked: string[] = []
      const sims = new SimulatorsOfATest(sim => checked.push(sim.url))
      const first = await sims.start(scenario(repository('acme/web', [])))
      await first.close()
      const second = await sims.start(scenario(repository('acme/web', [])))
      await sims.finish()
      expect(checked).toEqual([first.url, second.url])
      await sims.finish()
      expect(checked).toHaveLength(2)
    })
  })
})
