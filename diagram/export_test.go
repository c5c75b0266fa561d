package diagram

// ReadTrace is readTrace, for the tests of package diagram_test.
var ReadTrace = readTrace
