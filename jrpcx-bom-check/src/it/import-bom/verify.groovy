// The libraries (and versions) this project resolved by importing only jrpcx-bom must be exactly
// those the jrpcx build resolved for the same modules, with the parent's dependency management.
def lines = { File f -> f.readLines()*.trim().findAll { it ==~ /[^: ]+:[^: ]+:.*/ } }
def expected = lines(new File(basedir, '../../expected-dependencies.txt'))
def resolved = lines(new File(basedir, 'target/resolved-dependencies.txt'))
assert !expected.isEmpty()
def missing = expected - resolved
def unexpected = resolved - expected
assert missing.isEmpty() && unexpected.isEmpty(): \
    "A project importing jrpcx-bom resolves other versions than the jrpcx build.\n" +
    "Tested, not resolved:\n  ${missing.join('\n  ')}\n" +
    "Resolved, not tested:\n  ${unexpected.join('\n  ')}"
return true
