/** JMH microbenchmarks of the hot path, with their budgets (built by the measured-speed issue). */
package io.h2splice.perf;
