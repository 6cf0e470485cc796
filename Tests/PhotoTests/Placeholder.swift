// PhotoTests
