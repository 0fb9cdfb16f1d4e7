/** A worker that dies while starting: the service must report a GpuError and start afresh. */
throw new Error('embedding worker test crash');
