// One Create Customer in flight per customer in this process: concurrent
// first registrations of one customer wait for the same call instead of each
// making one. Across replicas Juspay's own uniqueness of object_reference_id
// ("already exists") and the table's primary key keep it one customer.
// The shared call runs on no caller's budget (the Juspay client's own
// deadline bounds it), so a caller that gives up does not fail the others,
// and its outcome is recorded for the next registration whoever waits.

export class SharedCustomerRegistrations {
  private readonly flights = new Map<string, Promise<void>>();

  /** The registration of `customerId` under way, or a new one made by `register`. */
  join(customerId: string, register: () => Promise<void>): Promise<void> {
    const running = this.flights.get(customerId);
    if (running !== undefined) return running;
    const flight = register().finally(() => {
      if (this.flights.get(customerId) === flight) this.flights.delete(customerId);
    });
    // Its waiters may all have left: a failure nobody awaits is not an unhandled rejection.
    flight.catch(() => undefined);
    this.flights.set(customerId, flight);
    return flight;
  }
}
