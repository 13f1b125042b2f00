// The user's own jackson-datatype-jsr310 stays at 2.17.1, as asked, but Jackson's core jars stay
// at the versions the jrpcx build resolved: the BOM manages them through jackson-bom.
def lines = { File f -> f.readLines()*.trim().findAll { it ==~ /[^: ]+:[^: ]+:.*/ } }
def core = { it.startsWith('com.fasterxml.jackson.core:') }
def expected = lines(new File(basedir, '../../expected-dependencies.txt')).findAll(core)
def resolved = lines(new File(basedir, 'target/resolved-dependencies.txt'))
assert expected.size() == 3
assert resolved.findAll(core) == expected: \
    "Jackson's core jars are not the tested ones:\n  ${resolved.findAll(core).join('\n  ')}"
assert resolved.any { it.startsWith('com.fasterxml.jackson.datatype:jackson-datatype-jsr310:jar:2.17.1:') }
return true
